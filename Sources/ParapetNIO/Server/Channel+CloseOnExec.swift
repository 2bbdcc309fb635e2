import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Channel {
    /// Marks the channel's socket close-on-exec, so a child process — a crash reporter such as
    /// `swift-backtrace`, or anything the application spawns — does not inherit it. An inherited listening
    /// socket keeps the port bound after the server dies, and a supervisor's restart then fails with
    /// "Address already in use"; an inherited connection is never seen to close by its client.
    ///
    /// NIO creates its sockets without `SOCK_CLOEXEC` and accepts without `accept4(SOCK_CLOEXEC)`, and
    /// offers no public way to reach a channel's descriptor, so the descriptor is found by reflection on
    /// NIOPosix's socket channel (its `socket` property's `descriptor`). Called right after the socket is
    /// created or accepted, so only a child spawned in that instant could still inherit it.
    ///
    /// - Returns: whether the flag was set; `false` when the channel has no socket descriptor this
    ///   reflection can find (an embedded channel, or a NIO whose layout changed).
    @discardableResult
    func markCloseOnExec() -> Bool {
        guard let descriptor = socketDescriptor else { return false }
        let flags = fcntl(descriptor, F_GETFD)
        return flags >= 0 && fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) == 0
    }

    /// The descriptor of a NIOPosix socket channel, if reflection finds one that is open.
    var socketDescriptor: CInt? {
        guard let socket = Self.stored("socket", in: self),
            let descriptor = Self.stored("descriptor", in: socket) as? CInt, descriptor >= 0
        else { return nil }
        return descriptor
    }

    /// The stored property `label` of `value` or of one of its superclasses.
    private static func stored(_ label: String, in value: Any) -> Any? {
        var mirror: Mirror? = Mirror(reflecting: value)
        while let current = mirror {
            if let child = current.children.first(where: { $0.label == label }) { return child.value }
            mirror = current.superclassMirror
        }
        return nil
    }
}
