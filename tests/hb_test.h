/* Shared helpers of the cmocka tests (cmocka 1.1.5 has no double comparison). */
#ifndef HB_TEST_H
#define HB_TEST_H
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

/* |a - b| <= eps, printing both values when it fails. */
#define assert_double_equal(a, b, eps)                                                             \
    do {                                                                                           \
        double hb_a_ = (double)(a), hb_b_ = (double)(b), hb_e_ = (double)(eps);                    \
        if (!(fabs(hb_a_ - hb_b_) <= hb_e_))                                                       \
            fail_msg("%s = %.17g, expected %s = %.17g (tolerance %g)", #a, hb_a_, #b, hb_b_,       \
                     hb_e_);                                                                       \
    } while (0)

/* strstr(hay, needle) != NULL, printing the text when it fails. */
#define assert_contains(hay, needle)                                                               \
    do {                                                                                           \
        const char *hb_h_ = (hay), *hb_n_ = (needle);                                              \
        if (!hb_h_ || !strstr(hb_h_, hb_n_))                                                       \
            fail_msg("expected \"%s\" to contain \"%s\"", hb_h_ ? hb_h_ : "(null)", hb_n_);        \
    } while (0)

#endif
