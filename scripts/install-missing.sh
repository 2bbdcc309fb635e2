# Sourced by the scripts in this folder: `install_missing PACKAGE…` installs Debian packages with apt-get (none
# when called with none), without letting maintainer scripts start packaged daemons — tests start their own.
install_missing() {
    [ $# -gt 0 ] || return 0
    echo "installing: $*"
    local sudo="" policy=/usr/sbin/policy-rc.d added_policy=0
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    # policy-rc.d exiting 101 forbids starting services.
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod 755 "$policy" && added_policy=1
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    if [ "$added_policy" = 1 ]; then $sudo rm -f "$policy"; fi
}
