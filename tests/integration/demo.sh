#!/bin/sh
# `make demo` doubles as a smoke test: scripts/demo.sh must run to the end
# and see the expected annotations (it exits non-zero otherwise).
. "$top_srcdir/tests/integration/lib.sh"
pg_setup demo
sh "$top_srcdir/scripts/demo.sh" "$top_builddir" > "$PG_DIR/demo.out" 2>&1
rc=$?
sed 's/^/    demo| /' "$PG_DIR/demo.out"
pg_rc 0 "$rc" "scripts/demo.sh ran and saw the expected annotations"
pg_finish
