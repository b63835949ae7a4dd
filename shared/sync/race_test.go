//go:build race

package sync

func init() { raceEnabled = true }
