// Package account is the tablet's side of an account: the first login
// online (POST /api/login through the browser's fetch), the user's
// encrypted store opened from the keyring (app/local), offline unlocking
// with the password, locking, and the sync loop (app/syncer) that runs while
// the account is open. It compiles natively too (tests run it against a
// real server) and must not import server/.
package account
