import Host

let status = await Tool.main(CommandLine.arguments)
Terminal.output.flush()
System.exit(status)
