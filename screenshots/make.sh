#!/usr/bin/env bash
# Makes a PNG of each wizard step from the real program: sgwiz runs in a
# tmux session of 80×24 (the smallest terminal sgwiz promises to work in),
# keys are typed as a person would, each screen is captured whole (every
# cell, so that every image has one size and one scale) with its colours
# and rendered by freeze (a tool of this folder's own module, so its
# dependencies stay out of sgwiz's).
# Usage: screenshots/make.sh   (needs tmux; writes screenshots/*.png)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
command -v tmux >/dev/null || { echo "make.sh: install tmux (apt-get install -y tmux)" >&2; exit 1; }

work=$(mktemp -d)
sock="sgwiz-shots-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
(cd .. && go build -o "$work/sgwiz" .)
go build -o "$work/freeze" github.com/charmbracelet/freeze
go build -o "$work/shrink" ./shrink
go build -o "$work/pad" ./pad

start() { # start [ARGS]: a fresh sgwiz at the start screen; CONFIG=FILE
  # gives it a config file (by default none, whatever yours holds)
  tmux -L "$sock" kill-server 2>/dev/null || true
  sleep 0.3
  tmux -L "$sock" new-session -d -s s -x 80 -y 24 \
    -e TERM=xterm-256color -e COLORTERM=truecolor -e SGWIZ_CONFIG="${CONFIG:-$work/none.yaml}" "cd $work && ./sgwiz $*"
  wait_for "1/8 Start"
}
keys() { tmux -L "$sock" send-keys -t s "$@"; sleep 0.15; }
text() { tmux -L "$sock" send-keys -t s -l "$1"; sleep 0.15; }
wait_for() { # wait_for TEXT: until the screen shows it
  for _ in $(seq 100); do
    tmux -L "$sock" capture-pane -t s -p | grep -qF -- "$1" && return 0
    sleep 0.05
  done
  echo "make.sh: the screen never showed: $1" >&2
  tmux -L "$sock" capture-pane -t s -p >&2
  exit 1
}
shot() { # shot NAME: capture the screen with its colours and render it
  sleep 0.3
  tmux -L "$sock" capture-pane -t s -p -e | "$work/pad" -width 80 > "$work/$1.ansi"
  "$work/freeze" "$work/$1.ansi" --language ansi --window --padding 20 --margin 0 \
    --font.size 12 --line-height 1.2 -o "$here/$1.png" >/dev/null
  "$work/shrink" -width 900 "$here/$1.png"
  echo "wrote screenshots/$1.png"
}

start
shot 1-start
keys Enter; wait_for "2/8 Use case"; shot 2-use-case
keys Enter; wait_for "3/8 Services"; shot 3-services
text "redis"; wait_for "Redis / Valkey"; shot 3-services-filter
start
keys Enter Enter Enter; wait_for "4/8 Sources"
text "203.0.113.10"; wait_for "= 1 address"; shot 4-sources
for _ in $(seq 12); do keys Down; done # SSH from anywhere (IPv4)
keys Space; wait_for "CRITICAL ⚠"; shot 4-sources-warning
keys Space
keys Enter; wait_for "5/8 Egress"; shot 5-egress
keys Enter; wait_for "6/8 Details"; shot 6-details
keys Enter; wait_for "7/8 Review"; shot 7-review
keys Enter; wait_for "8/8"; shot 8-action
keys Enter Enter; wait_for "terraform ·"; shot 8-export-terraform

# A review with findings: the web server with SSH open to the world, the
# first finding selected (after the ten rules).
start
keys Enter Enter Enter; wait_for "4/8 Sources"
text "203.0.113.10"
for _ in $(seq 12); do keys Down; done
keys Space Down Space Down Space
keys Enter Enter Enter; wait_for "7/8 Review"
for _ in $(seq 10); do keys Down; done
wait_for "world-admin-port"; shot 7-review-findings

# Three linked groups: the options the tiers follow, then the review.
start
keys Enter Down Down Enter; wait_for "3/9 Options"
keys Right; wait_for "PostgreSQL"; shot 3-options
keys Enter Enter Enter Enter Enter; wait_for "8/9 Review"
keys Tab; wait_for "Instances in the group"; shot 7-review-three-tier

# Connected (the in-process sandbox): EC2 Instance Connect for SSH and the
# picker of the VPC's groups and the region's prefix lists; the web server
# sending to its database; a rule described on the review.
start --sandbox
wait_for "123456789012"; shot 1-start-sandbox
keys Enter Enter Enter; wait_for "4/8 Sources"
text "203.0.113.10"
for _ in $(seq 15); do keys Down; done # SSH from EC2 Instance Connect
keys Space Down Down; wait_for "ctrl+o: pick"
keys C-o; wait_for "Filter:"; shot 4-sources-connected
keys Escape; keys Up Enter; wait_for "5/8 Egress"
keys Down Down Right Right; wait_for "PostgreSQL"; shot 5-egress-web-db
keys Enter; wait_for "Destinations"
text "10.0.64.0/24"; keys Enter Enter; wait_for "Details"
keys Enter; wait_for "Review"
keys Down t; wait_for "Description:"
keys Tab; text "team=web, ticket=OPS-7"; wait_for "ticket=OPS-7"; shot 7-review-describe

# Apply, in the sandbox: the change, then the result.
start --sandbox
wait_for "123456789012"
keys Enter Down Down Enter Enter Enter Enter Enter Enter; wait_for "8/9 Review"
keys Enter Down Down Enter; wait_for "Apply these changes"; shot 9-apply-confirm
text "y"; keys Enter; wait_for "done in"; shot 9-apply-done
# Then a group of the plan on one of the VPC's instances (web-prod-1).
keys u; wait_for "web-prod-1"; wait_for "Use web-app" # instance groups first
shot 9-apply-attach
keys Enter; wait_for "Change the interface's groups"; shot 9-apply-attach-change

# A group of the plan's name that the plan did not make (the sandbox's
# web-prod): the details step says so, and apply asks for its name.
start --sandbox
wait_for "123456789012"
keys Enter Enter Enter; wait_for "4/8 Sources"
text "203.0.113.10"; keys Enter Enter; wait_for "6/8 Details"
keys BSpace BSpace BSpace; text "web-prod"; wait_for "apply will adopt it"; shot 6-details-existing
keys Enter; wait_for "7/8 Review"
keys Enter Down Down Enter; wait_for "Type the group name web-prod"; shot 9-apply-adopt

# SSH for a limited time: l on an SSH source.
start
keys Enter Enter Enter; wait_for "4/8 Sources"
text "203.0.113.10"
for _ in $(seq 14); do keys Down; done # SSH from the office
keys l l; wait_for "For a limited time"; shot 4-sources-limited

# The address book: @office in the office field, by name on the review.
printf 'addresses:\n  office: [203.0.113.0/24, 2001:db8::/48]\n  vpn: [198.51.100.7]\n' > "$work/config.yaml"
CONFIG="$work/config.yaml" start
keys Enter Enter Enter; wait_for "address book: @office"
text "@office"; wait_for "@office = 203.0.113.0/24"
keys Enter Enter Enter; wait_for "7/8 Review"
for _ in $(seq 4); do keys Down; done
wait_for "@office 2001:db8::/48"; shot 7-review-address-book
