package listener

import (
	"powerwatch/listener/hj212"
)

// replyFrame encodes the answer cn (9013 or 9014) to p: HJ212-2017 §6.5,
// QN echoed, ST=91, the sender's version bits with A=0.
func replyFrame(p *hj212.Packet, cn string) []byte {
	var r *hj212.Packet
	if cn == hj212.CNNotifyReply {
		r = hj212.NotifyAck(p)
	} else {
		r = hj212.DataAck(p)
	}
	b, err := r.Encode()
	if err != nil {
		// Only a QN, PW or MN holding a separator can fail, and Parse has
		// already refused those; send nothing rather than a broken frame.
		return nil
	}
	return b
}
