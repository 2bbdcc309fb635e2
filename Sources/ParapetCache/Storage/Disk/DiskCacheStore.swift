public import HTTPTypes
import NIOCore
public import ParapetCore
import Synchronization

/// A ``CacheStore`` in a directory, which outlives the process: each response is one file, written under
/// a temporary name and renamed into place once complete, and the index is rebuilt from the files when
/// the store opens.
///
/// Least recently used responses go first once the files pass the byte budget. The heads of the
/// responses stay in memory (the index); bodies are read from disk on each hit, so the operating
/// system's page cache keeps hot ones in memory. All file work runs on NIO's thread pool.
///
/// A crash at any point loses at most the responses being written: a file is either under its final
/// name and complete, or under `tmp/` and deleted at the next start. A file whose size disagrees with its
/// header, or whose head does not parse, is deleted rather than served. Files being written count
/// against the budget before they are written; a crash between forgetting an entry and deleting its
/// file leaves the file to the next start, which indexes it again within the budget.
///
/// ```swift
/// let store = try await DiskCacheStore(directory: "/var/cache/parapet", byteBudget: 10 << 30, runtime: .system)
/// server.use(Cache(store: store))
/// ```
///
/// The directory holds `tmp/` and 256 shard directories `00` to `ff`; the store must be its only user.
public final class DiskCacheStore: CacheStore {
    private struct State {
        var entries: LRUEntries<DiskEntry>
        var nextNumber: UInt64
        /// The bytes of files being written, counted against the budget before they are written.
        var writing = 0
    }

    /// The directory the store keeps its files in.
    public let directory: String
    /// The most bytes of files the store keeps.
    public let byteBudget: Int
    private let state: Mutex<State>

    /// Opens the store in `directory`, creating it if needed, and indexes the responses a previous run
    /// left there. `runtime`'s clocks place their ages on this run's clocks.
    public init(directory: String, byteBudget: Int, runtime: Runtime) async throws {
        self.directory = directory
        self.byteBudget = byteBudget
        let now = runtime.clock.now
        let wallNow = runtime.wallClock.now
        let found = try await DiskFiles.run { [directory] in
            try Self.prepare(directory)
            return try (0..<256).flatMap { try Self.scan(shard: $0, in: directory, now: now, wallNow: wallNow) }
        }
        var entries = LRUEntries<DiskEntry>(budget: byteBudget)
        var gone: [DiskEntry] = []
        // The oldest first, so that what the budget evicts is what has been stored longest.
        let oldestFirst = found.sorted {
            $0.entry.response.age.receivedAtWallTime < $1.entry.response.age.receivedAtWallTime
        }
        for (key, entry) in oldestFirst { gone += entries.insert(entry, for: key) }
        let nextNumber = (found.map(\.entry.number).max() ?? 0) + 1
        state = Mutex(State(entries: entries, nextNumber: nextNumber))
        await delete(gone)
    }

    public func response(for key: String, selectedBy requestFields: HTTPFields) async throws -> CacheLookup {
        let (selected, keyIsStored) = state.withLock { $0.entries.select(key, by: requestFields) }
        guard let selected else { return keyIsStored ? .otherVariants : .none }
        let path = path(of: selected.number)
        let header = selected.header
        // A read that fails (out of descriptors, say) is a miss that keeps the entry; a file that is gone
        // or the wrong size was changed behind the store's back: never served, and forgotten.
        let read = try await DiskFiles.run {
            try DiskFiles.read(path, header.fileSize - header.bodyLength..<header.fileSize)
        }
        guard let (size, body) = read, size == header.fileSize, body.readableBytes == header.bodyLength else {
            await forget(selected, of: key)
            return .none
        }
        var response = selected.response
        response.body = body
        return .found(response)
    }

    public func store(_ response: CachedResponse, for key: String) async throws {
        let file = DiskEntryFile.encode(response, key: key)
        guard let header = DiskEntryFile.header(file), header.fileSize <= byteBudget else { return }
        // Room is made before the file is written, so the files on disk, finished or not, stay within the
        // budget.
        let (number, evicted) = state.withLock { state in
            defer {
                state.nextNumber += 1
                state.writing += header.fileSize
            }
            return (state.nextNumber, state.entries.evict(toFit: state.writing + header.fileSize))
        }
        await delete(evicted)
        let temporary = "\(directory)/tmp/\(Self.name(of: number))"
        let final = path(of: number)
        do {
            try await DiskFiles.run {
                do {
                    try DiskFiles.create(temporary, with: file)
                    try DiskFiles.move(temporary, to: final)
                } catch {
                    try? DiskFiles.remove(temporary)
                    throw error
                }
            }
        } catch {
            state.withLock { $0.writing -= header.fileSize }
            throw error
        }
        var head = response
        head.body = ByteBuffer()
        let entry = DiskEntry(response: head, number: number, header: header)
        await delete(
            state.withLock { state in
                state.writing -= header.fileSize
                return state.entries.insert(entry, for: key)
            })
    }

    public func removeAll(for key: String) async throws {
        await delete(state.withLock { $0.entries.remove(key) })
    }

    public func sweep(
        from position: Int, limit: Int, removing isDead: @Sendable (String, CachedResponse) -> Bool
    ) async throws -> CacheSweep {
        let (sweep, removed) = state.withLock { $0.entries.sweep(from: position, limit: limit, removing: isDead) }
        await delete(removed)
        return sweep
    }

    /// The bytes of the files indexed.
    public var storedBytes: Int { state.withLock { $0.entries.storedBytes } }

    /// The number of responses indexed.
    public var count: Int { state.withLock { $0.entries.count } }

    /// Forgets `entry` unless a newer file has replaced it meanwhile, and deletes its file.
    private func forget(_ entry: DiskEntry, of key: String) async {
        _ = state.withLock { $0.entries.remove(of: key) { $0.number == entry.number } }
        await delete([entry])
    }

    /// Deletes the files of entries the index no longer holds. A file that cannot be deleted now is
    /// indexed again at the next start, where the budget applies to it.
    private func delete(_ entries: [DiskEntry]) async {
        guard !entries.isEmpty else { return }
        let paths = entries.map { path(of: $0.number) }
        _ = try? await DiskFiles.run { for path in paths { try? DiskFiles.remove(path) } }
    }

    private func path(of number: UInt64) -> String {
        "\(directory)/\(Self.shard(of: number))/\(Self.name(of: number))"
    }

    private static func name(of number: UInt64) -> String {
        let digits = String(number, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private static func shard(of number: UInt64) -> String {
        let digits = String(number & 0xff, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
    }

    /// Creates the directories and deletes what a crash left in `tmp/`.
    private static func prepare(_ directory: String) throws {
        try DiskFiles.makeDirectory(directory)
        try DiskFiles.makeDirectory("\(directory)/tmp")
        for name in try DiskFiles.names(in: "\(directory)/tmp") { try DiskFiles.remove("\(directory)/tmp/\(name)") }
        for shard in 0..<256 { try DiskFiles.makeDirectory("\(directory)/\(Self.shard(of: UInt64(shard)))") }
    }

    /// The entries of one shard directory; deletes every file that is not a complete entry of this
    /// format in the shard its number names.
    private static func scan(
        shard: Int, in directory: String, now: MonotonicInstant, wallNow: WallInstant
    ) throws -> [(key: String, entry: DiskEntry)] {
        let shardPath = "\(directory)/\(Self.shard(of: UInt64(shard)))"
        var found: [(key: String, entry: DiskEntry)] = []
        for name in try DiskFiles.names(in: shardPath) {
            let path = "\(shardPath)/\(name)"
            guard let entry = try entry(at: path, named: name, shard: shard, now: now, wallNow: wallNow) else {
                try DiskFiles.remove(path)
                continue
            }
            found.append(entry)
        }
        return found
    }

    private static func entry(
        at path: String, named name: String, shard: Int, now: MonotonicInstant, wallNow: WallInstant
    ) throws -> (key: String, entry: DiskEntry)? {
        guard name.utf8.count == 16, let number = UInt64(name, radix: 16), Int(number & 0xff) == shard,
            let (size, start) = try DiskFiles.read(path, 0..<DiskEntryFile.headerLength),
            let header = DiskEntryFile.header(start), size == header.fileSize,
            let (_, metadata) = try DiskFiles.read(
                path, DiskEntryFile.headerLength..<DiskEntryFile.headerLength + header.metadataLength),
            metadata.readableBytes == header.metadataLength,
            let (key, response) = DiskEntryFile.decode(metadata: metadata, now: now, wallNow: wallNow)
        else { return nil }
        return (key, DiskEntry(response: response, number: number, header: header))
    }
}
