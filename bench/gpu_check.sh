#!/usr/bin/env bash
# The GPU check, run on a lent CUDA machine from the repository root (see docs/ARCHITECTURE.md):
# the CUDA path end to end (auto picks CUDA), the full profile's wall time, and the benchmark.
# Packages the machine lacks travel as wheels in .whl/ (bench/README.md says how to fetch them).
set -euo pipefail
if compgen -G ".whl/*.whl" > /dev/null; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
    export PYTHONPATH="/tmp/site:$PWD"
else
    export PYTHONPATH="$PWD"
fi
export PYTHONUNBUFFERED=1 LECTUREGEN_CACHE_DIR=/tmp/lecturegen-cache
OUT="${OUT:-/tmp/gpu-check}"
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"

run() { local start=$SECONDS; "$@"; echo "wall: $((SECONDS - start)) s for: $*"; }
run python3 -m generator build content/deep_learning.yaml -o /tmp/out-default --format html,pptx
cp /tmp/out-default/deep-learning/manifest.json "$OUT/manifest-default.json"
# The full profile trains the CNN on MNIST, and the lent machine is offline: carry the four MNIST
# files in .mnist/MNIST/raw/ (see bench/README.md).
run python3 -m generator build content/deep_learning.yaml -o /tmp/out-full --profile full --device cuda --format html,pptx --data-dir .mnist
cp /tmp/out-full/deep-learning/manifest.json "$OUT/manifest-full.json"
cp /tmp/out-full/deep-learning/slides.html "$OUT/slides-full.html"
run python3 -m generator build content/deep_learning.yaml -o /tmp/out-full --profile full --device cuda --format html --data-dir .mnist
python3 bench/sweep.py --device cuda --loop-depths 4,16 | tee "$OUT/bench-cuda.txt"
cp bench/results/sweep-cuda.json "$OUT/"
