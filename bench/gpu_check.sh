#!/usr/bin/env bash
# The GPU check, run on a lent CUDA machine from the repository root (see docs/ARCHITECTURE.md), most
# telling first, so that a run cut short still answers the main question:
#   1. the CUDA-only tests (CUDA graphs train like eager steps; the lecture's claims hold on CUDA);
#   2. the default lecture built cold with --device auto (which must pick CUDA): its wall time; then
#      again, which must take every demo from the cache;
#   3. bench/sweep.py on CUDA: CUDA graphs against eager steps, each demo cold;
#   4. the full profile built cold (the CNN on MNIST).
# Each step's output also goes to $OUT/log.txt. A failing step is reported and the next one runs.
# Packages the machine lacks travel as wheels in .whl/ (bench/README.md says how to fetch them).
set -uo pipefail
if compgen -G ".whl/*.whl" > /dev/null; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
    export PYTHONPATH="/tmp/site:$PWD"
else
    export PYTHONPATH="$PWD"
fi
# Set before any CUDA work, as a build does: deterministic cuBLAS needs it from the first product on.
export PYTHONUNBUFFERED=1 LECTUREGEN_CACHE_DIR=/tmp/lecturegen-cache CUBLAS_WORKSPACE_CONFIG=:4096:8
OUT="${OUT:-/tmp/gpu-check}"
mkdir -p "$OUT"
exec > >(tee -a "$OUT/log.txt") 2>&1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"

step() {
    local start=$SECONDS
    echo "== $*"
    "$@"
    echo "== exit $? after $((SECONDS - start)) s: $*"
}
step python3 -m pytest -q -p no:cacheprovider -k cuda tests/demos/test_cuda_graphs.py tests/demos/test_lecture_claims.py
step python3 -m generator build content/deep_learning.yaml -o /tmp/out-default --format html,pptx
step python3 -m generator build content/deep_learning.yaml -o /tmp/out-default --format html,pptx
cp /tmp/out-default/deep-learning/manifest.json "$OUT/manifest-default.json"
step python3 bench/sweep.py --device cuda --no-loop
cp bench/results/sweep-cuda.json "$OUT/"
# The full profile trains the CNN on MNIST, and the lent machine is offline: carry the four MNIST
# files in .mnist/MNIST/raw/ (see bench/README.md).
step python3 -m generator build content/deep_learning.yaml -o /tmp/out-full --profile full --device cuda --format html,pptx --data-dir .mnist
cp /tmp/out-full/deep-learning/manifest.json "$OUT/manifest-full.json"
cp /tmp/out-full/deep-learning/slides.html "$OUT/slides-full.html"
