public import ParapetCore

extension Runtime {
    /// The production runtime: the system clocks and random generator, real tasks, and `getaddrinfo`.
    ///
    /// Each access makes a new ``TaskSpawner``, so every server owns (and can cancel) its own
    /// background work.
    public static var system: Runtime {
        Runtime(
            clock: SystemClock(),
            wallClock: SystemWallClock(),
            random: SystemRandomSource(),
            spawner: TaskSpawner(),
            resolver: SystemResolver()
        )
    }
}
