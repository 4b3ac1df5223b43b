// Which storage backend the server (and `hypergraph identity`) uses, chosen by `--store` / `--db`.
import Foundation
import HypergraphPostgres
import HypergraphPostgresStore
import HypergraphStore

/// Where the server's data lives: an embedded SQLite file or a PostgreSQL database.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    /// An SQLite database file, created when missing.
    case sqlite(path: String)
    /// A PostgreSQL database; its schema is created or migrated on start.
    case postgres(PostgresConfiguration)

    /// Reads a `--store` value: a `postgres://` or `postgresql://` URL selects PostgreSQL; `sqlite:PATH` or a plain
    /// path selects SQLite.
    ///
    /// - Throws: ``StoreLocationError`` naming what is wrong (an empty value, a bad PostgreSQL URL).
    public init(parsing value: String) throws(StoreLocationError) {
        if value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") {
            do {
                self = .postgres(try PostgresConfiguration(url: value))
            } catch {
                throw StoreLocationError(value: value, reason: error.description)
            }
            return
        }
        let path = value.hasPrefix("sqlite:") ? String(value.dropFirst("sqlite:".count)) : value
        guard !path.isEmpty else {
            throw StoreLocationError(
                value: value,
                reason:
                    "'\(value)' names no file; expected a file path, sqlite:PATH or postgres://user:password@host:port/db"
            )
        }
        if let scheme = path.range(of: "://").map({ String(path[..<$0.lowerBound]) }) {
            throw StoreLocationError(
                value: value,
                reason: "unknown scheme '\(scheme)' in '\(value)'; expected postgres://, postgresql:// or a file path")
        }
        self = .sqlite(path: path)
    }

    /// The location for logs: the file path, or the PostgreSQL URL without its password.
    public var description: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let configuration): return configuration.redactedURL
        }
    }

    /// Whether the database is expected to exist already: an SQLite file is checked on disk; a PostgreSQL database is
    /// always a server's (it is never created by connecting).
    public var existsLocally: Bool {
        switch self {
        case .sqlite(let path): return FileManager.default.fileExists(atPath: path)
        case .postgres: return true
        }
    }

    /// Opens the store, creating or migrating its schema.
    ///
    /// - Parameters:
    ///   - readers: SQLite read connections (a command-line tool needs one; the server more).
    ///   - onCommit: the commit hook that feeds fan-out (see ``SQLiteStoreConfiguration/onCommit``).
    ///   - onRemoteChange: changes other processes commit (PostgreSQL only; see
    ///     ``PostgresStoreConfiguration/onRemoteChange``).
    ///   - remoteInterest: which of those this process has receivers for (see
    ///     ``PostgresStoreConfiguration/remoteInterest``).
    public func open(
        readers: Int = 4, onCommit: (@Sendable ([CommittedChange]) -> Void)? = nil,
        onRemoteChange: (@Sendable (RemoteChange) async -> Void)? = nil,
        remoteInterest: (@Sendable (RemoteChangeAudience) -> Bool)? = nil
    ) async throws -> any HypergraphStorage {
        switch self {
        case .sqlite(let path):
            return try await SQLiteHypergraphStorage(
                configuration: SQLiteStoreConfiguration(path: path, readerCount: readers, onCommit: onCommit))
        case .postgres(let configuration):
            return try await PostgresHypergraphStorage(
                configuration: PostgresStoreConfiguration(
                    database: configuration, onCommit: onCommit, onRemoteChange: onRemoteChange,
                    remoteInterest: remoteInterest))
        }
    }
}

/// A `--store` value that names no usable store.
public struct StoreLocationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The value as given (never printed: a PostgreSQL URL may hold a password).
    public var value: String
    /// What is wrong, where, and what was expected.
    public var reason: String

    /// Why, in one line (for a PostgreSQL URL the client's error names the part that is wrong).
    public var description: String { reason }
}
