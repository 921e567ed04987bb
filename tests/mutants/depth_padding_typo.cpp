// Depth padding offset typo: tensorflow/tensorflow#68319: TFLite Conv3DTranspose computed the depth
// axis's padding-after from padding_values.height + depth_offset instead of depth + depth_offset.
// Rank 3 only: the depth end crop uses the height's padding, so depth rows go missing.
#include "reference.hpp"

TCONV_MUTANT(depth_padding_typo)
