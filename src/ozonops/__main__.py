from ozonops.cli.app import main

main()
