package uplink

import "powerwatch/store"

// Status is what the 设置 and 总览 views show of one upstream; the type
// lives in store so that ui can show it without importing this package.
type Status = store.UpstreamStatus
