// Package uplink relays the district to the city platform, losing nothing.
//
// Two paths, both fed by durable queues in the database, so an outage or a
// restart delays data and never drops it:
//
//   - Forwarder relays every HJ 212 frame accepted from a registered terminal
//     to each configured upstream, byte for byte as received (the store's
//     outbox, filled in the ingest transaction). An item leaves the queue when
//     the upstream's 9014 answer with its QN arrives, or, for frames that ask
//     no answer and upstreams that never give one, when it was written.
//     Frames without an answer within the acknowledgement time are sent again
//     (at-least-once: an upstream may see a frame twice when an answer is lost).
//   - Exporter pushes the shared data (registry, orders, alarms and their
//     reviews, maintenance records) as versioned JSON documents, by HTTP POST
//     or into a shared folder, from a change log and a per-target cursor:
//     only what changed since the last success, resumed after a failure.
//
// Both report a Status per upstream for the 设置 and 总览 views.
package uplink
