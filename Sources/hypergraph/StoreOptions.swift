// `--store` and `--db`: which database `serve` and `identity` use (docs/server.md, "Storage backends").
import HypergraphCommandLine
import HypergraphServer

/// The options that choose a store, shared by every command that opens one.
enum StoreOptions {
    /// The SQLite file used when neither option is given.
    static let defaultPath = "./hypergraph.sqlite"

    /// `--store` and `--db`, with help that names their forms.
    static func options(dbHelp: String) -> [Option] {
        [
            .value(
                "store", valueName: "LOCATION",
                help: "postgres://user:password@host:port/database, sqlite:PATH or a file path "
                    + "(default \(defaultPath))."),
            .value("db", valueName: "PATH", help: dbHelp),
        ]
    }

    /// The store the arguments name: `--store`, else `--db`, else the default file. Both at once is a usage error.
    static func location(_ arguments: ParsedArguments) throws -> StoreLocation {
        let store = arguments.values("store").last
        let path = arguments.values("db").last
        switch (store, path) {
        case (.some, .some):
            throw arguments.usageError("Give either '--store' or '--db', not both.")
        case (.some(let store), nil):
            do {
                return try StoreLocation(parsing: store)
            } catch {
                throw arguments.usageError("Invalid value for '--store': \(error.description)")
            }
        case (nil, .some(let path)):
            guard !path.isEmpty else { throw arguments.usageError("Invalid value for '--db': the path is empty.") }
            return .sqlite(path: path)
        case (nil, nil):
            return .sqlite(path: defaultPath)
        }
    }
}
