enum ServerBenchmark { static func run(arguments: [String]) throws {} }
