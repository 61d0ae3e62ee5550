#!/bin/sh
# Run hpcc (HPC Challenge; its HPL is the reference for the hetbench LU) on
# this machine and print its HPL result.
#
#   scripts/peers/run_hpcc.sh [N] [NB] [P] [Q]      (defaults: 12000 256 1 2)
#
# Needs: hpcc and mpirun (Debian: hpcc, openmpi-bin). One MPI rank per core,
# each with single-threaded BLAS (P*Q ranks in all). hpcc also runs its other
# tests (PTRANS, DGEMM, STREAM, RandomAccess, FFT, latency/bandwidth): the
# whole run takes ~2 minutes at N=12000 on 2 cores. The full output is kept
# in the temp dir, whose path is printed. Run it on an otherwise idle machine.
set -eu

N=${1:-12000}
NB=${2:-256}
P=${3:-1}
Q=${4:-2}
NP=$((P * Q))

command -v hpcc >/dev/null || { echo "hpcc not found (apt-get install hpcc)" >&2; exit 1; }
command -v mpirun >/dev/null || { echo "mpirun not found (apt-get install openmpi-bin)" >&2; exit 1; }

DIR=$(mktemp -d "${TMPDIR:-/tmp}/hpcc.XXXXXX")
cd "$DIR"

# HPL part: same format as HPL.dat (right-looking recursive panel, look-ahead
# depth 1, like the hetbench LU); the last 4 lines are hpcc's PTRANS sizes.
cat >hpccinf.txt <<EOF
HPLinpack benchmark input file
Innovative Computing Laboratory, University of Tennessee
HPL.out      output file name (if any)
6            device out (6=stdout,7=stderr,file)
1            # of problems sizes (N)
$N           Ns
1            # of NBs
$NB          NBs
0            PMAP process mapping (0=Row-,1=Column-major)
1            # of process grids (P x Q)
$P           Ps
$Q           Qs
16.0         threshold
1            # of panel fact
2            PFACTs (0=left, 1=Crout, 2=Right)
1            # of recursive stopping criterium
4            NBMINs (>= 1)
1            # of panels in recursion
2            NDIVs
1            # of recursive panel fact.
1            RFACTs (0=left, 1=Crout, 2=Right)
1            # of broadcast
1            BCASTs (0=1rg,1=1rM,2=2rg,3=2rM,4=Lng,5=LnM)
1            # of lookahead depth
1            DEPTHs (>=0)
2            SWAP (0=bin-exch,1=long,2=mix)
64           swapping threshold
0            L1 in (0=transposed,1=no-transposed) form
0            U  in (0=transposed,1=no-transposed) form
1            Equilibration (0=no,1=yes)
8            memory alignment in double (> 0)
##### This line (no. 32) is ignored (it serves as a separator). ######
0                               Number of additional problem sizes for PTRANS
1200 10000 30000                values of N
0                               number of additional blocking sizes for PTRANS
40 9 8 13 13 20 16 32 64        values of NB
EOF

# --allow-run-as-root: containers/CI run as root; harmless otherwise.
mpirun --allow-run-as-root --oversubscribe -np "$NP" --bind-to core \
    -x OMP_NUM_THREADS=1 -x OPENBLAS_NUM_THREADS=1 hpcc >hpcc.log 2>&1 || {
    echo "hpcc failed, see $DIR/hpcc.log" >&2
    tail -20 hpcc.log >&2
    exit 1
}

echo "hpcc output: $DIR/hpccoutf.txt"
# HPL result line ("WR... N NB P Q Time Gflops"), its residual check, summary keys.
grep -E '^W[RC][0-9]' hpccoutf.txt | head -3 || true
grep -E '(PASSED|FAILED)$' hpccoutf.txt | grep -F '||Ax-b||' | head -1 || true
grep -E '^(HPL_Tflops|HPL_N|HPL_NB|HPL_nprow|HPL_npcol|HPL_time|StarDGEMM_Gflops|SingleDGEMM_Gflops)=' \
    hpccoutf.txt || true
