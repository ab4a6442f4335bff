//go:build race

package markdown

// raceEnabled: the race detector slows rendering about tenfold.
const raceEnabled = true
