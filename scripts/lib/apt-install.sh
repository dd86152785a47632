# Sourced by every script that installs Debian packages (scripts/stack.sh, scripts/build-fixtures.sh,
# scripts/build-dockhand-image.sh). apt_install <log file> <package...> installs as root, one install at a
# time on the machine: test files run side by side and two of them may need the same package at once;
# without the lock the second apt-get fails on dpkg's lock while the first is still installing.
# Needs log() and die() from the caller.
if [ -z "${DOCKHAND_APT_LOCK:-}" ]; then
  DOCKHAND_APT_LOCK=/run/lock/dockhand-apt.lock
  [ -d /run/lock ] || DOCKHAND_APT_LOCK=/tmp/dockhand-apt.lock
fi
apt_install() {
  local logfile=$1; shift
  command -v apt-get >/dev/null || die "cannot install $*: no apt-get here; install it by hand"
  [ "$(id -u)" = 0 ] || die "cannot install $*: not root; install it by hand"
  log "installing $* from Debian's packages"
  (
    flock -w 900 9 || die "waited 900s for another install of Debian packages ($DOCKHAND_APT_LOCK)"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >>"$logfile" 2>&1; then
      apt-get update -qq >>"$logfile" 2>&1
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >>"$logfile" 2>&1 \
        || die "apt-get install $* failed (see $logfile)"
    fi
  ) 9>"$DOCKHAND_APT_LOCK"
}
