// Package sim simulates a district's data loggers (数采仪): each keeps a TCP
// connection to the centre and speaks real HJ 212 — 2025 ST=44 real-time
// data (CN 2011) or 2017 minute data (CN 2051) every interval, with Flag bit
// A set, waiting for the centre's 9014 and sending again what is not
// answered in time.
//
// The loads look like a district's: enterprises work continuously, in two
// shifts (Sundays off) or a day shift (weekends off, a lunch dip); each
// treatment unit starts before its production and stops after it; P, I, U
// and PF agree (P = √3·U·I·PF) and energy counters grow with power.
//
// Optionally the network fails (the terminal caches and backfills when it
// is back), clocks drift (and ask for the time with 1013), frames arrive
// damaged, and scripted violations happen at announced times
// (PlanViolations). Terminals answer the centre's commands: 1000, 1011,
// 1012, 1061–1064 and history pulls (2051, 2061, and 2025's ST=44 2011 with
// BeginTime/EndTime) from their cache.
//
// Time is simulated: Config.Speed compresses it, and the simulated clock
// never passes the wall clock. Frames gives the listener's benchmarks the
// uploads of one terminal without a network.
package sim
