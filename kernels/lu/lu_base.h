#ifndef HB_LU_BASE_H
#define HB_LU_BASE_H
#include <stdint.h>
/* In-place LU factorisation with partial pivoting of the column-major n x n matrix A (lda >= n):
   P*A = L*U, L unit lower. ipiv[i] (0-based) = the row swapped with row i at step i.
   nb = block size (0 = choose). Returns 0, or j+1 if U(j,j) is exactly zero (singular).
   Parallel with OpenMP (current team size). */
int64_t hb__lu_factor(int64_t n, double *A, int64_t lda, int64_t *ipiv, int64_t nb);
/* Solve A x = b with the factors from hb__lu_factor; b (length n) is overwritten with x. */
void hb__lu_solve(int64_t n, const double *LU, int64_t lda, const int64_t *ipiv, double *b);
/* Short description of the algorithm and block size chosen for n, for result files. */
const char *hb__lu_describe(int64_t n);
#endif
