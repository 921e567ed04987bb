// Shapes, indices and markup as text: the forms users read stay byte-identical.
#include "tconv/text.hpp"

#include <catch2/catch.hpp>
#include <vector>

using namespace tconv;

TEST_CASE("shapes and indices as text, flat indices", "[text]") {
  const std::vector<std::int64_t> s{2, 3, 4};
  CHECK(shape_text(s) == "[2, 3, 4]");
  CHECK(shape_text(s) == detail::to_string(s));
  CHECK(shape_text(s, ",", "(", ")") == "(2,3,4)");
  CHECK(shape_text(std::vector<int>{}) == "[]");
  // (1*3 + 2)*4 + 3 = 23
  CHECK(flat_index(s, {1, 2, 3}) == 23);
  CHECK(flat_index(s, {0, 0, 0}) == 0);
}

TEST_CASE("markup escaping", "[text]") {
  CHECK(escape_markup("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
  CHECK(escape_markup("'x'", false) == "'x'");
}
