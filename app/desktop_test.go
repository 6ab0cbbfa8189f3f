package main

import (
	"powerwatch/listener"
	"powerwatch/store/sqlite"
	"powerwatch/ui"
)

// The store must keep satisfying what the screens read, so that Main can pass
// *sqlite.DB to ui.Deps directly; these fail to compile when the two drift.
var (
	_ ui.Registry         = (*sqlite.DB)(nil)
	_ ui.RegistryEditor   = (*sqlite.DB)(nil)
	_ ui.TerminalLog      = (*sqlite.DB)(nil)
	_ ui.Readings         = (*sqlite.DB)(nil)
	_ ui.Stats            = (*sqlite.DB)(nil)
	_ ui.Alarms           = (*sqlite.DB)(nil)
	_ ui.Notifier         = (*ui.Shell)(nil)
	_ ui.RegistryTransfer = registryTransfer{}
	_ ui.Commander        = listenerCommands{}
	_ ui.Quarantine       = (*listener.Server)(nil)
	_ desktopService      = desk{}
	_ desktopService      = (*demoService)(nil)
	_ ui.UplinkConfigurer = desk{}
	_ ui.InboxFailures    = desk{}
)
