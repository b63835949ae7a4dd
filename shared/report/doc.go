// Package report computes the reports of ../shared/DOMAIN.md §8 from
// merged records: the dashboard the civil-affairs bureau reads (people by
// target category, cases by stage, service records by category and method
// per month, group and community work, volunteer, supervision and training
// hours, overdue follow-ups) and the project performance evaluation of
// MZ/T 059 (outputs, outcomes, client satisfaction), for a period.
//
// The tablet computes a report from its own records, offline; the server
// computes the same Report from the records of the roots a user may see
// (narrowed to an org unit) and sends it as JSON. Both call Compute, so
// device and server agree on every figure for the same records.
//
// The package is pure: standard library and jiuzhu/shared only, no I/O, no
// wall clock ("today" is part of the Period), no syscall/js, no network.
// Numbers are exact: counts are integers, hours and averages are Decimal
// (hundredths, rounded half up once, where they are divided).
package report
