from autoalliance.cli.main import main

main()
