// Package peer re-implements, in a few hundred lines of plain Go and
// without the project's codec, the HJ 212 peers that powerwatch meets in the
// field (issue 17): receiving centres (centre*.go) for the relay's tests and
// field terminals (terminal*.go) for the listener's. Being independent of
// listener/hj212 is the point: a codec bug cannot hide behind a peer that
// shares it.
//
// The centres reproduce what deployed city platforms were seen to do:
// answer every 9014 with the MN their connection was bound to, never
// answer, answer with a fresh QN, reject data segments over the standard's
// 1,024 bytes, or behave (one connection carrying many terminals). Each
// records every frame it read, so a test can check arrival, order per
// terminal and size.
package peer
