#!/usr/bin/env bash
# Makes the databases of release v0.1.0 that the upgrade test starts from (tests/upgrade/test_upgrade.py).
# Run from the project root, once per release that becomes the oldest supported one:
#     bash tests/upgrade/make_fixture.sh v0.1.0
# It checks the release out in a temporary worktree, builds a database with that release's own code
# (migrate, framework, demo, plus release_data.py for the apps the demo leaves empty) on SQLite and on
# PostgreSQL (127.0.0.1:5432, user postgres), and writes them next to this script.
set -euo pipefail
tag="${1:?usage: make_fixture.sh TAG}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
python="$root/.venv/bin/python"
out="$root/tests/upgrade"
work="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$root" worktree add --detach "$work/src" "$tag" >/dev/null
cd "$work/src"
build() {
  export DATABASE_URL="$1" DEBUG=1 TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend
  "$python" manage.py migrate --no-input -v 0
  "$python" manage.py load_framework -v 0
  "$python" manage.py demo -v 0
  "$python" manage.py shell -c "exec(open('$out/release_data.py').read())"
}
build "sqlite:///$work/release.sqlite3"
gzip -9 -c "$work/release.sqlite3" > "$out/$tag.sqlite3.gz"
db="samen_release_$(echo "$tag" | tr -c 'a-z0-9\n' '_')"
psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
build "postgres://postgres@127.0.0.1:5432/$db"
pg_dump -h 127.0.0.1 -U postgres --no-owner --no-privileges "$db" | gzip -9 > "$out/$tag.postgres.sql.gz"
psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE $db"
ls -l "$out/$tag".*
