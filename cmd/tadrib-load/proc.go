package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// The figures here come from Linux's /proc; elsewhere they read as unknown.

// userHZ is the unit of the times in /proc/PID/stat (USER_HZ, 100 on every
// Linux the tool is meant for; sysconf is out of reach without cgo).
const userHZ = 100

// procPath names a file of a process: pid 0 is this process.
func procPath(pid int, name string) string {
	if pid == 0 {
		return "/proc/self/" + name
	}
	return "/proc/" + strconv.Itoa(pid) + "/" + name
}

// StatusKB reads a "Vm…:  1234 kB" line of /proc/PID/status, in kB.
func StatusKB(pid int, field string) (int64, error) {
	f, err := os.Open(procPath(pid, "status"))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != field {
			continue
		}
		num, _, _ := strings.Cut(strings.TrimSpace(v), " ")
		return strconv.ParseInt(num, 10, 64)
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("%s: no %s line", procPath(pid, "status"), field)
}

// Memory is a process's resident set, in bytes (-1 when unknown).
type Memory struct {
	Peak    int64 // VmHWM: the high-water mark since the process started
	Current int64 // VmRSS
}

// ReadMemory reads pid's memory figures (pid 0: this process).
func ReadMemory(pid int) (Memory, error) {
	m := Memory{Peak: -1, Current: -1}
	hwm, err := StatusKB(pid, "VmHWM")
	if err != nil {
		return m, err
	}
	rss, err := StatusKB(pid, "VmRSS")
	if err != nil {
		return m, err
	}
	return Memory{Peak: hwm << 10, Current: rss << 10}, nil
}

// Comm is the command name of pid, for the report ("" when unknown).
func Comm(pid int) string {
	b, err := os.ReadFile(procPath(pid, "comm"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// cpuTicks is utime+stime of /proc/PID/stat, in USER_HZ ticks, or -1.
func cpuTicks(pid int) int64 {
	b, err := os.ReadFile(procPath(pid, "stat"))
	if err != nil {
		return -1
	}
	// The command name, in parentheses, may hold spaces: fields start after
	// the last ')'. utime and stime are fields 14 and 15 of the line, that is
	// the 12th and 13th after the name.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return -1
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	s, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return u + s
}

// machineTicks is the busy time of all processors from /proc/stat (every
// state but idle and iowait; guest time is already inside user), or -1.
func machineTicks() int64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return -1
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return -1
	}
	var busy int64
	for i, v := range f[1:9] { // user nice system idle iowait irq softirq steal
		if i == 3 || i == 4 {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return -1
		}
		busy += n
	}
	return busy
}

// CPUProbe reads the processor time of this process, of the server when
// ServerPID is set, and of the whole machine.
type CPUProbe struct{ ServerPID int }

// CPUSample is a reading of CPUProbe.
type CPUSample struct{ load, server, machine int64 }

// Read takes a sample.
func (p CPUProbe) Read() CPUSample {
	s := CPUSample{load: cpuTicks(0), server: -1, machine: machineTicks()}
	if p.ServerPID > 0 {
		s.server = cpuTicks(p.ServerPID)
	}
	return s
}

// CPUUse is the processor time used over a window, in cores (CPU seconds per
// wall second: 2.0 is both cores of a two-core machine); -1 when unknown.
// Other is what the rest of the machine used (other processes, the kernel's
// work not charged to either process): a large value means the figures were
// taken on a busy machine.
type CPUUse struct {
	Load   float64 `json:"load_cores"`
	Server float64 `json:"server_cores"`
	Other  float64 `json:"other_cores"`
}

// Since is the use between an earlier sample and s over elapsed wall time.
func (s CPUSample) Since(earlier CPUSample, elapsed time.Duration) CPUUse {
	use := func(a, b int64) float64 {
		if a < 0 || b < 0 || elapsed <= 0 {
			return -1
		}
		return float64(b-a) / userHZ / elapsed.Seconds()
	}
	u := CPUUse{Load: use(earlier.load, s.load), Server: use(earlier.server, s.server), Other: -1}
	if m := use(earlier.machine, s.machine); m >= 0 && u.Load >= 0 {
		u.Other = max(0, m-u.Load-max(0, u.Server))
	}
	return u
}
