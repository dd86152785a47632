import { EDGE_STDIN_WAIT_S } from '../../common/edge-timing';

/**
 * Shell scripts the edge activities run inside the nginx container (busybox sh), one exec each: an
 * exec costs a round trip to the Engine and a process start, so a config change is one exec, not
 * five (read, write, test, reload, poll).
 */

/**
 * Puts a site config in place and makes nginx serve it. Args: site path, wanted generation ('' if the
 * text declares none), marker path ('' for none), marker state (present | absent), drain ms, settle
 * (quit | served), lock wait s; the text on stdin. Writes the marker first (a config that names both colors reads
 * it on every request), then the config through a temp file and a rename; `nginx -t` refuses → the
 * previous text goes back, exit 3 — and so does a reload that refuses it (it parses the config again,
 * and a name may have stopped resolving since the test). After `nginx -s reload` it waits until a new
 * worker serves the wanted generation and, with settle=quit, until every worker that ran before has QUIT (they stop
 * accepting then; the master signals them ~100 ms after it started the new ones), then up to
 * `drain ms` for them to be gone. Output: `changed` (`changed drained` when every worker that ran before
 * is gone, so nothing routes by an older config any more) or `unchanged`, then the previous config.
 * An unchanged text whose generation nginx does not serve yet (a run that died between the write and
 * the reload) is reloaded.
 * One change at a time per site: an attempt that timed out goes on running inside the edge while its
 * retry starts, and the two would share the temp and prev files. The lock is a symlink to
 * "<pid>:<start time>" (`ln -s` is atomic; busybox has no flock); a lock whose process is gone (a killed
 * exec, a restarted edge) is taken over. Waiting for it is bounded (EDGE_LOCK_WAIT_S, exit 14), and so
 * is the whole script: see EDGE_APPLY_WORST_MS. The text is read under the lock (changes apply in the
 * order they started), within EDGE_STDIN_WAIT_S (exit 10).
 */
export const APPLY_SITE_SCRIPT = `
site=$1 want=$2 marker=$3 state=$4 drain=$5 settle=$6 lockwait=$7
tmp="$site.dockhand-tmp" prev="$site.dockhand-prev" lock="$site.dockhand-lock"
served() { timeout 2 wget -q -O - http://127.0.0.1/__edge/generation 2>/dev/null; }
workers() { for p in $(pidof nginx); do [ "$p" = "$(cat /run/nginx.pid)" ] || echo "$p"; done; }
quit() { [ ! -e "/proc/$1" ] || grep -q 'shutting down' "/proc/$1/cmdline" 2>/dev/null; }
now() { date +%s; }
started() { cut -d' ' -f22 "/proc/$1/stat" 2>/dev/null; }
me="$$:$(started $$)" until=$(( $(now) + lockwait ))
until ln -s "$me" "$lock" 2>/dev/null; do
  holder=$(readlink "$lock")
  if [ -n "$holder" ] && [ "$(started "\${holder%%:*}")" != "\${holder#*:}" ]; then rm -f "$lock"; continue; fi
  [ "$(now)" -lt "$until" ] || { echo "another change of $site still runs after \${lockwait} s (lock $holder)" >&2; exit 14; }
  usleep 50000
done
trap 'rm -f "$lock" "$tmp"' EXIT
trap 'exit 15' INT TERM
# Bounded: an engine that restarts mid-exec (live-restore) never ends this stdin, and a read waiting on
# it would hold the lock, and stay in the edge, for ever.
timeout ${EDGE_STDIN_WAIT_S} cat > "$tmp" || { echo "the config did not arrive in ${EDGE_STDIN_WAIT_S} s" >&2; exit 10; }
if [ -n "$marker" ]; then
  mkdir -p "\${marker%/*}" || exit 11
  if [ "$state" = present ]; then [ -e "$marker" ] || : > "$marker" || exit 11; else rm -f "$marker" || exit 11; fi
fi
if [ -f "$site" ] && cmp -s "$tmp" "$site"; then
  rm -f "$tmp"
  if [ -z "$want" ] || [ "$(served)" = "$want" ]; then echo unchanged; cat "$site"; exit 0; fi
  cp "$site" "$prev"
else
  if [ -f "$site" ]; then cp "$site" "$prev"; else : > "$prev"; fi
  mv "$tmp" "$site"
  if ! err=$(nginx -t -q 2>&1); then mv "$prev" "$site"; echo "$err" >&2; exit 3; fi
fi
old=$(workers)
# \`nginx -s\` parses the config again before it signals the master: a name that resolved for -t may be
# gone now (a container that exited in between). The master still runs the config before, so the file
# goes back to it; a config nginx will not load is refused (3), any other failure is retried (12).
if ! err=$(nginx -s reload 2>&1); then
  mv "$prev" "$site"; echo "$err" >&2
  case "$err" in *"[emerg]"*) exit 3 ;; *) exit 12 ;; esac
fi
# By the clock, not by counting looks: a look at a stuck nginx takes up to 2 s (wget's timeout).
deadline=$(( $(now) + 10 ))
while [ -n "$want" ] && [ "$(served)" != "$want" ]; do
  [ "$(now)" -lt "$deadline" ] || { echo "nginx does not serve the new config 10 s after the reload" >&2; exit 13; }
  usleep 10000
done
[ "$settle" = served ] && [ -n "$want" ] && { echo changed; cat "$prev"; rm -f "$prev"; exit 0; }
for p in $old; do
  until quit "$p"; do
    [ "$(now)" -lt "$deadline" ] || { echo "an nginx worker of the previous config still accepts 10 s after the reload" >&2; exit 13; }
    usleep 10000
  done
done
j=0 gone=drained
for p in $old; do
  while [ -e "/proc/$p" ] && [ $((j*10)) -lt "$drain" ]; do j=$((j+1)); usleep 10000; done
  [ ! -e "/proc/$p" ] || gone=
done
echo changed $gone; cat "$prev"; rm -f "$prev"
`;

/**
 * Makes one color live by creating or removing the marker file (atomic: nginx stats it per request).
 * Args: site path, marker path, state (present | absent), the upstream the new live color needs, and
 * optionally a path to GET through the edge right after, with the probe's timeout in seconds (the
 * switch and its check in one exec). Exit 3 when the config does not declare that upstream (switching
 * would route to a name nginx never resolved). Output: `changed` or `unchanged`; with a path, then
 * `probe <wget's exit code>` and the answer (wget's complaint on stderr).
 */
export const SWITCH_COLOR_SCRIPT = `
site=$1 marker=$2 state=$3 upstream=$4 path=$5 secs=$6
grep -q "^upstream $upstream {" "$site" || { echo "the edge's config declares no upstream $upstream" >&2; exit 3; }
mkdir -p "\${marker%/*}" || exit 11
if [ "$state" = present ]; then
  if [ -e "$marker" ]; then echo unchanged; else : > "$marker" && echo changed; fi
else
  if [ -e "$marker" ]; then rm -f "$marker" && echo changed; else echo unchanged; fi
fi || exit 11
[ -n "$path" ] || exit 0
# busybox timeout, not wget -T: the static busybox's wget -T crashes (SIGSEGV) in this image.
body=$(timeout "$secs" wget -q -O - "http://127.0.0.1$path"); rc=$?
echo "probe $rc"; printf '%s' "$body"
`;
