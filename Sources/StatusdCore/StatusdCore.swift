// The umbrella module: the daemon, the CLI and the tests `import StatusdCore` and see every layer of
// the core. The layers themselves import only the ones below them (Package.swift, README "Layout").
@_exported import StatusdParse
@_exported import StatusdEngine
@_exported import StatusdReplay
@_exported import StatusdConfig
@_exported import StatusdRender
