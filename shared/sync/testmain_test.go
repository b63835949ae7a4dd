package sync

// raceEnabled is set by race_test.go under the race detector, which makes
// the simulation run fewer seeds.
var raceEnabled bool
