// Package listener accepts HJ 212 connections from the district's terminals,
// checks who they are, hands their uploads to a Recorder in group-committed
// batches and acknowledges each upload (9014) only once its batch is durable.
// It also tracks each terminal's connection state, keeps the quarantine of
// unregistered or unauthenticated senders, and sends the centre's commands.
//
// Each connection has a reader goroutine and a writer goroutine; every reply
// and command goes through the writer, so a peer that does not read never
// blocks the others. One committer goroutine collects the uploads of all
// connections into one transaction (group commit).
//
// Each part of a split upload is recorded and acknowledged on its own; the
// splitter joins the parts of all connections (and, through a SplitJournal,
// of earlier runs) and records the whole message's values once (split.go).
// Frames the codec rejects are counted on the registered terminal they name,
// with the reason (reject.go).
package listener
