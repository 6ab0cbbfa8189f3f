// Package service is the receiving service that `powerwatch serve` and the
// desktop app run: Main opens the database and its inbox, starts the alarm
// worker (app/judge), the indexer that moves acknowledged uploads from the
// inbox into the tables, the HJ 212 listener with its ingest, the scheduler
// of maintenance jobs and backups, and the uplink relay to the city; Close
// stops them in reverse order. Config is its JSON file. It knows no window:
// the desktop's adapters live in package main, so the service is tested
// (and runs) without a display.
package service
