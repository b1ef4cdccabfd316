#!/bin/sh
# Regenerates the README pictures from the demo: frames.go renders the pack list, a conversation
# and compose with a template preview through the real models (fixed size, clock and colours)
# as ANSI text, and freeze (github.com/charmbracelet/freeze v0.2.2, offline once its module is
# in the Go module cache) turns each into a PNG. Run it from anywhere after changing a screen:
#
#   sh assets/screenshots/make.sh
#
# freeze rasterises with its own monospace font (arrows and emoji show as boxes); when
# rsvg-convert is on the PATH it uses that instead, with a proportional fallback font that breaks
# the columns, so run it where rsvg-convert is not installed.
set -eu
cd "$(dirname "$0")/../.."
out=assets/screenshots
go run ./$out/frames.go -out "$out"
for frame in packlist conversation compose; do
	go run github.com/charmbracelet/freeze@v0.2.2 --language ansi \
		--window --padding 20,40 --margin 0 --border.radius 8 --font.size 9 \
		--output "$out/$frame.png" "$out/$frame.ansi"
	chmod 644 "$out/$frame.png"
done
