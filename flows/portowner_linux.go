package flows

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// portOwner names the process listening on a TCP port, as Linux tells it:
// /proc/net/tcp{,6} gives the socket's inode, /proc/PID/fd the process
// holding it. It returns "" when the OS does not say (another user's
// process, or no permission).
func portOwner(port int) string {
	inode := listeningInode(port)
	if inode == "" {
		return ""
	}
	want := "socket:[" + inode + "]"
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range procs {
		fds, _ := os.ReadDir(filepath.Join(p, "fd"))
		for _, fd := range fds {
			if link, err := os.Readlink(filepath.Join(p, "fd", fd.Name())); err == nil && link == want {
				comm, _ := os.ReadFile(filepath.Join(p, "comm"))
				return fmt.Sprintf("%s (pid %s)", strings.TrimSpace(string(comm)), filepath.Base(p))
			}
		}
	}
	return ""
}

// listeningInode finds the inode of a socket listening on port.
func listeningInode(port int) string {
	hexPort := fmt.Sprintf("%04X", port)
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(table)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
			if len(fields) < 10 || fields[3] != "0A" { // 0A: LISTEN
				continue
			}
			if _, p, ok := strings.Cut(fields[1], ":"); ok && p == hexPort {
				f.Close()
				if _, err := strconv.Atoi(fields[9]); err == nil {
					return fields[9]
				}
				return ""
			}
		}
		f.Close()
	}
	return ""
}
