package dcc

import "log/slog"

// SetLog replaces a DCC's logger, so that specs can read the reasons of asynchronous failures
// (the DUIS response carries only the code).
func SetLog(d *DCC, l *slog.Logger) { d.cfg.Log = l }
