"""The main step's command: a POSIX sh prelude that execs the argv prepared by the launcher.

prepare writes the resolved command line as files IO_DIR/argv/0, IO_DIR/argv/1, … (byte-exact)
and IO_DIR/argv/count. The prelude rebuilds the argument list from them with `set --` and
`exec`s it, so the user's command never passes through Tekton substitution nor a shell, and the
image needs nothing but /bin/sh. IO_DIR/skip-main (a cache hit, a false condition) makes it
exit 0 at once.

A task inside a loop runs a batch of iterations: prepare then writes IO_DIR/batch/count and one
directory IO_DIR/batch/K per iteration (argv/, skip-main), and the prelude runs them one after
another, writes each one's exit code to IO_DIR/batch/K/exit-code and exits with the first
non-zero code (every iteration runs, so no iteration's outputs are lost to another's failure).
"""

from __future__ import annotations

# `$(cat f; printf x)` then stripping the x keeps trailing newlines that $(cat f) would drop.
PRELUDE = r'''set -u
io="$1"
run_argv() {
  n=$(cat "$1/argv/count")
  i=$((n - 1))
  d="$1"
  set --
  while [ "$i" -ge 0 ]; do
    a=$(cat "$d/argv/$i"; printf x)
    set -- "${a%x}" "$@"
    i=$((i - 1))
  done
  "$@"
}
if [ -e "$io/batch/count" ]; then
  rc=0
  k=0
  total=$(cat "$io/batch/count")
  while [ "$k" -lt "$total" ]; do
    d="$io/batch/$k"
    if [ ! -e "$d/skip-main" ]; then
      (run_argv "$d")
      c=$?
      echo "$c" > "$d/exit-code"
      if [ "$c" -ne 0 ] && [ "$rc" -eq 0 ]; then rc=$c; fi
    fi
    k=$((k + 1))
  done
  exit "$rc"
fi
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
