from huikuan.cli.main import main

main()
