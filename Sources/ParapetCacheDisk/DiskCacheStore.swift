public import HTTPTypes
import NIOCore
public import ParapetCache
public import ParapetCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A ``ParapetCache/CacheStore`` in a directory, which outlives the process: each response is one file,
/// written under a temporary name, flushed to the disk and renamed into place once complete, and the
/// index is rebuilt from the files when the store opens.
///
/// Least recently used responses go first once the files pass the byte budget. The heads of the
/// responses stay in memory (the index); bodies are read from disk on each hit, so the operating
/// system's page cache keeps hot ones in memory. All file work runs on NIO's thread pool.
///
/// A crash at any point loses at most the responses being written: a file is either under its final
/// name and complete, or under `.parapet-tmp/` and deleted at the next start. A file whose size disagrees
/// with its header, whose head does not parse, or that holds another key than the index says is deleted
/// rather than served. Files being written count against the budget before they are written; a crash
/// between forgetting an entry and deleting its file leaves the file to the next start, which indexes it
/// again within the budget.
///
/// ```swift
/// let store = try await DiskCacheStore(directory: "/var/cache/parapet", byteBudget: 10 << 30, runtime: .system)
/// server.use(Cache(store: store))
/// ```
///
/// The directory holds `.parapet-lock`, `.parapet-tmp/` and 256 shard directories `00` to `ff`. One store
/// at a time may open it — a second, in this process or another, gets ``DiskCacheError/inUse(_:)`` — and
/// what else is in it is left alone. Because it does real file I/O, the store does not run in the
/// simulator.
public final class DiskCacheStore: CacheStore {
    private struct State {
        var entries: LRUEntries<DiskEntry>
        var nextNumber: UInt64
        /// The bytes of files being written, counted against the budget before they are written.
        var writing = 0
        /// How many files are being written for each key, and the keys removed meanwhile: a response
        /// asked for before an invalidation must not be indexed after it.
        var writingKeys: [String: Int] = [:]
        var removedWhileWriting: Set<String> = []
        /// The hits waiting for a file another hit is reading, by file number.
        var readers: [UInt64: [CheckedContinuation<FileRead?, Never>]] = [:]
    }

    private typealias FileRead = Result<(size: Int, bytes: ByteBuffer)?, any Error>

    /// The directory the store keeps its files in.
    public let directory: String
    /// The most bytes of files the store keeps.
    public let byteBudget: Int
    private let state: Mutex<State>
    private let lock: Int32

    /// Opens the store in `directory`, creating it if needed, and indexes the responses a previous run
    /// left there. `runtime`'s clocks place their ages on this run's clocks.
    ///
    /// - Throws: ``DiskCacheError/inUse(_:)`` when another store has the directory open, or
    ///   ``DiskCacheError/io(operation:path:errno:)`` when the directory cannot be created or read.
    public init(directory: String, byteBudget: Int, runtime: Runtime) async throws {
        self.directory = directory
        self.byteBudget = byteBudget
        let now = runtime.clock.now
        let wallNow = runtime.wallClock.now
        let (lock, found) = try await DiskFiles.run { [directory] in
            let lock = try Self.prepare(directory)
            return (lock, (0..<256).flatMap { Self.scan(shard: $0, in: directory, now: now, wallNow: wallNow) })
        }
        self.lock = lock
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

    deinit {
        close(lock)
    }

    public func response(for key: String, selectedBy requestFields: HTTPFields) async throws -> CacheLookup {
        let (selected, keyIsStored) = state.withLock { $0.entries.select(key, by: requestFields) }
        guard let selected else { return keyIsStored ? .otherVariants : .none }
        let path = path(of: selected.number)
        let header = selected.header
        // A read that fails (out of descriptors, say) is a miss that keeps the entry; a file that is gone,
        // of the wrong size or of another key was changed behind the store's back: never served, and
        // forgotten.
        let read = try await sharedRead(of: selected.number, path: path, length: header.fileSize).get()
        guard let (size, file) = read, size == header.fileSize, file.readableBytes == header.fileSize,
            DiskEntryFile.header(file) == header, DiskEntryFile.holds(key, in: file)
        else {
            await forget(selected, of: key)
            return .none
        }
        var response = selected.response
        response.body = file.getSlice(
            at: file.readerIndex + header.fileSize - header.bodyLength, length: header.bodyLength)!
        return .found(response)
    }

    public func store(_ response: CachedResponse, for key: String) async throws {
        let file = DiskEntryFile.encode(response, key: key)
        guard let header = DiskEntryFile.header(file) else { return }
        let (reserved, evicted) = reserve(header.fileSize, for: key)
        await delete(evicted)
        guard let number = reserved else { return }
        let temporary = "\(directory)/\(Self.temporaryDirectory)/\(Self.name(of: number))"
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
            _ = state.withLock { Self.release(header.fileSize, for: key, in: &$0) }
            throw error
        }
        var head = response
        head.body = ByteBuffer()
        let entry = DiskEntry(response: head, number: number, header: header)
        let gone = state.withLock { state in
            let removed = Self.release(header.fileSize, for: key, in: &state)
            return removed ? [entry] : state.entries.insert(entry, for: key)
        }
        await delete(gone)
    }

    public func removeAll(for key: String) async throws {
        let gone = state.withLock { state in
            if state.writingKeys[key] != nil { state.removedWhileWriting.insert(key) }
            return state.entries.remove(key)
        }
        await delete(gone)
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

    /// The file numbered `number`, read once for every hit that asks while it is being read, so that many
    /// clients of one hot response share one copy of it in memory.
    private func sharedRead(of number: UInt64, path: String, length: Int) async -> FileRead {
        let first = state.withLock { state in
            guard state.readers[number] == nil else { return false }
            state.readers[number] = []
            return true
        }
        guard first else {
            let shared: FileRead? = await withCheckedContinuation { continuation in
                let joined = state.withLock { state in
                    guard state.readers[number] != nil else { return false }
                    state.readers[number]!.append(continuation)
                    return true
                }
                if !joined { continuation.resume(returning: nil) }
            }
            // The read ended between the two looks: this hit reads on its own.
            return if let shared { shared } else { await Self.read(path, length: length) }
        }
        let read = await Self.read(path, length: length)
        let waiting = state.withLock { $0.readers.removeValue(forKey: number) } ?? []
        for reader in waiting { reader.resume(returning: read) }
        return read
    }

    private static func read(_ path: String, length: Int) async -> FileRead {
        do {
            return .success(try await DiskFiles.run { try DiskFiles.read(path, 0..<length) })
        } catch {
            return .failure(error)
        }
    }

    /// Makes room for a file of `size` bytes for `key` before it is written, so that the files on disk,
    /// finished or not, stay within the budget; returns the file's number — `nil` when files being written
    /// already take the room, and the response is not stored — and the entries evicted for it.
    private func reserve(_ size: Int, for key: String) -> (number: UInt64?, evicted: [DiskEntry]) {
        state.withLock { state in
            let evicted = state.entries.evict(toFit: state.writing + size)
            guard state.entries.storedBytes + state.writing + size <= byteBudget else { return (nil, evicted) }
            state.writing += size
            state.writingKeys[key, default: 0] += 1
            defer { state.nextNumber += 1 }
            return (state.nextNumber, evicted)
        }
    }

    /// Ends a write of `size` bytes for `key`; returns whether the key was removed meanwhile.
    private static func release(_ size: Int, for key: String, in state: inout State) -> Bool {
        state.writing -= size
        let removed = state.removedWhileWriting.contains(key)
        if let writers = state.writingKeys[key], writers > 1 {
            state.writingKeys[key] = writers - 1
        } else {
            state.writingKeys[key] = nil
            state.removedWhileWriting.remove(key)
        }
        return removed
    }

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

    private static let temporaryDirectory = ".parapet-tmp"

    private static func name(of number: UInt64) -> String {
        let digits = String(number, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private static func shard(of number: UInt64) -> String {
        let digits = String(number & 0xff, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
    }

    /// Takes the directory's lock, creates the directories and deletes what a crash left half-written.
    private static func prepare(_ directory: String) throws -> Int32 {
        try DiskFiles.makeDirectory(directory)
        let lock = try DiskFiles.lock("\(directory)/.parapet-lock")
        do {
            let temporary = "\(directory)/\(temporaryDirectory)"
            try DiskFiles.makeDirectory(temporary)
            for name in try DiskFiles.names(in: temporary) { try? DiskFiles.remove("\(temporary)/\(name)") }
            for shard in 0..<256 { try DiskFiles.makeDirectory("\(directory)/\(Self.shard(of: UInt64(shard)))") }
            return lock
        } catch {
            close(lock)
            throw error
        }
    }

    /// The entries of one shard directory. A regular file that is not a complete entry of this format,
    /// named as the store names files in this shard, is deleted; anything else (a directory, a link, a
    /// file that cannot be read now) is left alone and not indexed.
    private static func scan(
        shard: Int, in directory: String, now: MonotonicInstant, wallNow: WallInstant
    ) -> [(key: String, entry: DiskEntry)] {
        let shardPath = "\(directory)/\(Self.shard(of: UInt64(shard)))"
        var found: [(key: String, entry: DiskEntry)] = []
        for name in (try? DiskFiles.names(in: shardPath)) ?? [] {
            let path = "\(shardPath)/\(name)"
            guard DiskFiles.isRegularFile(path) else { continue }
            do {
                if let entry = try entry(at: path, named: name, shard: shard, now: now, wallNow: wallNow) {
                    found.append(entry)
                } else {
                    try DiskFiles.remove(path)
                }
            } catch {
                continue
            }
        }
        return found
    }

    private static func entry(
        at path: String, named name: String, shard: Int, now: MonotonicInstant, wallNow: WallInstant
    ) throws -> (key: String, entry: DiskEntry)? {
        guard let number = UInt64(name, radix: 16), number < .max, Self.name(of: number) == name,
            Int(number & 0xff) == shard,
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
