// Package uplink relays the district to the city platform, losing nothing.
//
// Two paths, both fed by durable queues in the database, so an outage or a
// restart delays data and never drops it:
//
//   - Forwarder relays every HJ 212 frame accepted from a registered terminal
//     to each configured upstream as received (the store's outbox, filled in
//     the ingest transaction), on one connection per terminal, as the device
//     itself would be connected (terminals.go; or one for all, multiplexed).
//     An item leaves the queue when the upstream's 9014 answers it (by QN,
//     else by MN and send order), or, for frames that ask no answer and
//     upstreams that never give one, when it was written. Frames without an
//     answer within the acknowledgement time are sent again (at-least-once);
//     an upstream that keeps not answering is switched to write-and-count
//     (ack.go) so frames keep flowing. No data segment over 1,024 bytes goes
//     up (split.go), and requests the upstream sends are refused with 9011
//     (requests.go).
//   - Exporter pushes the shared data (registry, orders, alarms and their
//     reviews, maintenance records) as versioned JSON documents, by HTTP POST
//     or into a shared folder, from a change log and a per-target cursor:
//     only what changed since the last success, resumed after a failure.
//
// Both report a Status per upstream for the 设置 and 总览 views.
package uplink
