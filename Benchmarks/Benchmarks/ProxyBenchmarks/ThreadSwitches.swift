#if canImport(Glibc)
    import Glibc
#endif

/// Context switches (voluntary and not) of the process's threads but the calling one, from
/// `/proc/self/task/*/status`. Each time a proxy thread blocks — in `epoll_wait` for the next event,
/// or after handing work to another thread — counts one. (This VM's kernel books most `epoll_wait`
/// sleeps of the event loops as nonvoluntary switches, so both kinds are counted; on a quiet machine
/// preemption adds few.)
///
/// With one request in flight, a proxy that keeps a request on one thread blocks about twice per
/// request (waiting for the client, then for the origin); every hop to another thread adds a block of
/// the thread it woke. Reading the files allocates: call it outside the measured region.
func contextSwitchesOfOtherThreads() -> Int {
    let me = callingThreadID()
    guard let directory = opendir("/proc/self/task") else { return 0 }
    defer { closedir(directory) }
    var total = 0
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        guard let tid = Int32(name), tid != me else { continue }
        total += contextSwitches(path: "/proc/self/task/\(name)/status")
    }
    return total
}

/// The calling thread's id: `/proc/thread-self` links to `PID/task/TID`.
private func callingThreadID() -> Int32 {
    var link = [CChar](repeating: 0, count: 64)
    let count = readlink("/proc/thread-self", &link, link.count - 1)
    precondition(count > 0, "cannot read /proc/thread-self")
    let path = String(decoding: link.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return Int32(path.split(separator: "/").last ?? "") ?? -1
}

/// The sum of a thread's `voluntary_ctxt_switches` and `nonvoluntary_ctxt_switches`.
private func contextSwitches(path: String) -> Int {
    guard let file = fopen(path, "r") else { return 0 }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    var total = 0
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix("voluntary_ctxt_switches:") || text.hasPrefix("nonvoluntary_ctxt_switches:") {
            total += Int(text.drop { !$0.isNumber }.prefix { $0.isNumber }) ?? 0
        }
    }
    return total
}
