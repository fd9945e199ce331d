// Package app is the desktop layer of deskchat: a thin layer of Wails-bound
// services. Each service covers one area, is created in main.go, started from
// the Wails OnStartup hook and listed in Bind. Services keep Wails runtime calls
// behind small interfaces so they compile and test without a window.
package app
