/* Hostile implementations of the plugin ABI: each attacks the harness that runs it, and computes
 * the correct result otherwise (so that only the attack can make a case fail). Built once per
 * TCONV_HOSTILE_* variant (tests/plugins/CMakeLists.txt); the catalogue in tests/hostile/ says what
 * tconv must report for each. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tconv/impl.h"

/* the correct gather (as tests/plugins/plugin.c), for every rank, group and bias */
static int reference(const tconv_problem* p, const float* x, const float* w, const float* b,
                     float* y) {
  int64_t in[3], k[3], s[3], d[3], pb[3], out[3];
  for (int a = 0; a < 3; ++a) {
    const int used = a < p->rank;
    in[a] = used ? p->input[a] : 1;
    k[a] = used ? p->kernel[a] : 1;
    s[a] = used ? p->stride[a] : 1;
    d[a] = used ? p->dilation[a] : 1;
    pb[a] = used ? p->pad_begin[a] : 0;
    out[a] = used ? p->output[a] : 1;
  }
  const int64_t cin_g = p->in_channels / p->groups, cout_g = p->out_channels / p->groups;
  for (int64_t n = 0; n < p->batch; ++n)
    for (int64_t co = 0; co < p->out_channels; ++co)
      for (int64_t o0 = 0; o0 < out[0]; ++o0)
        for (int64_t o1 = 0; o1 < out[1]; ++o1)
          for (int64_t o2 = 0; o2 < out[2]; ++o2) {
            const int64_t g = co / cout_g, c = co % cout_g;
            float acc = 0.0f;
            for (int64_t cl = 0; cl < cin_g; ++cl)
              for (int64_t k0 = 0; k0 < k[0]; ++k0)
                for (int64_t k1 = 0; k1 < k[1]; ++k1)
                  for (int64_t k2 = 0; k2 < k[2]; ++k2) {
                    const int64_t t0 = o0 + pb[0] - k0 * d[0], t1 = o1 + pb[1] - k1 * d[1],
                                  t2 = o2 + pb[2] - k2 * d[2];
                    if (t0 < 0 || t1 < 0 || t2 < 0 || t0 % s[0] || t1 % s[1] || t2 % s[2]) continue;
                    if (t0 / s[0] >= in[0] || t1 / s[1] >= in[1] || t2 / s[2] >= in[2]) continue;
                    const int64_t ci = g * cin_g + cl;
                    const int64_t xi =
                        (((n * p->in_channels + ci) * in[0] + t0 / s[0]) * in[1] + t1 / s[1]) *
                            in[2] +
                        t2 / s[2];
                    const int64_t wi = (((ci * cout_g + c) * k[0] + k0) * k[1] + k1) * k[2] + k2;
                    acc += x[xi] * w[wi];
                  }
            if (b != NULL) acc += b[co];
            y[((n * p->out_channels + co) * out[0] + o0) * out[1] * out[2] + o1 * out[2] + o2] =
                acc;
          }
  return 0;
}

static int64_t y_count(const tconv_problem* p) {
  int64_t c = p->batch * p->out_channels;
  for (int a = 0; a < p->rank; ++a) c *= p->output[a];
  return c;
}

#if defined(TCONV_HOSTILE_WILD_WRITE)
/* Scribbles over the first page of every readable shared anonymous mapping it can find: where the
 * harness keeps its own state, if that is within reach. */
static void scribble(void) {
  FILE* f = fopen("/proc/self/maps", "r");
  char line[512];
  while (f != NULL && fgets(line, sizeof line, f) != NULL) {
    unsigned long lo = 0, hi = 0;
    char perms[5] = {0};
    if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) != 3) continue;
    if (perms[0] != 'r' || perms[3] != 's' || strstr(line, "/dev/zero") == NULL) continue;
    memset((void*)lo, 0, hi - lo < 4096 ? hi - lo : 4096);
  }
  if (f != NULL) fclose(f);
}
#endif

int tconv_conv_transpose_f32(const tconv_problem* p, const float* x, const float* w, const float* b,
                             float* y) {
#if defined(TCONV_HOSTILE_KILL_GROUP)
  kill(0, SIGTERM); /* "stop everyone": its whole process group */
#elif defined(TCONV_HOSTILE_KILL_PARENT)
  kill(getppid(), SIGTERM); /* the harness itself */
#elif defined(TCONV_HOSTILE_FORK_BOMB)
  /* a small fork bomb: 6 generations, up to 63 copies besides the caller (the harness may stop it
   * midway), none of which ever exits */
  const pid_t caller = getpid();
  for (int i = 0; i < 6; ++i)
    if (fork() < 0) break;
  if (getpid() != caller)
    for (;;) pause();
#elif defined(TCONV_HOSTILE_FORK_SEGV)
  /* a helper process that keeps the harness's pipe open, then a segfault */
  if (fork() == 0)
    for (;;) pause();
  *(volatile int*)(uintptr_t)8 = 1;
#elif defined(TCONV_HOSTILE_FORK_HANG)
  /* a helper process, then the call never returns: only a timeout or a signal to tconv ends it */
  if (fork() == 0)
    for (;;) pause();
  for (;;) pause();
#elif defined(TCONV_HOSTILE_CHILD_SEGV)
  /* a helper process that crashes; the plugin notices its end but never reaps it */
  const pid_t c = fork();
  if (c == 0) *(volatile int*)(uintptr_t)8 = 1;
  siginfo_t info;
  waitid(P_PID, (id_t)c, &info, WEXITED | WNOWAIT);
#elif defined(TCONV_HOSTILE_WILD_WRITE)
  scribble();
#elif defined(TCONV_HOSTILE_PAST_GUARD)
  y[y_count(p) + 1024 + 16] = 0.0f; /* 4 KiB + 64 bytes past y's end: just past a 4 KiB guard */
#elif defined(TCONV_HOSTILE_FAR_WRITE)
  y[y_count(p) + 3 * 1024] = 0.0f; /* 12 KiB past y's end: beyond its guard page */
#elif defined(TCONV_HOSTILE_PROBLEM_WRITE)
  ((tconv_problem*)p)->batch = 0; /* writes into its const problem */
#elif defined(TCONV_HOSTILE_MEMORY_HOG)
  /* reserves address space 1 GiB at a time (never touched, so it costs no memory) up to 1 TiB */
  void* got[1024];
  int n = 0;
  for (; n < 1024; ++n) {
    got[n] = mmap(NULL, (size_t)1 << 30, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (got[n] == MAP_FAILED) break;
  }
  for (int i = 0; i < n; ++i) munmap(got[i], (size_t)1 << 30);
  if (n < 1024) return 12; /* ENOMEM: the harness's limit held */
#endif
  (void)y_count;
  return reference(p, x, w, b, y);
}
