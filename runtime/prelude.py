"""The main step's command: a POSIX sh prelude that execs the argv prepared by the launcher.

prepare writes the resolved command line as files IO_DIR/argv/0, IO_DIR/argv/1, … (byte-exact)
and IO_DIR/argv/count. The prelude rebuilds the argument list from them with `set --` and
`exec`s it, so the user's command never passes through Tekton substitution nor a shell, and the
image needs nothing but /bin/sh. IO_DIR/skip-main (a cache hit) makes it exit 0 at once.
"""

from __future__ import annotations

# `$(cat f; printf x)` then stripping the x keeps trailing newlines that $(cat f) would drop.
PRELUDE = r'''set -eu
io="$1"
if [ -e "$io/skip-main" ]; then exit 0; fi
n=$(cat "$io/argv/count")
i=$((n - 1))
set --
while [ "$i" -ge 0 ]; do
  a=$(cat "$io/argv/$i"; printf x)
  set -- "${a%x}" "$@"
  i=$((i - 1))
done
exec "$@"
'''

ARGV0 = "tekflow-main"


def main_step_command(io_dir: str) -> list[str]:
    # Tekton replaces only the variables it knows ($(params.…), $(context.…), …), so the
    # shell's own $(cat …) and $((…)) in the prelude reach sh unchanged.
    return ["sh", "-c", PRELUDE, ARGV0, io_dir]
