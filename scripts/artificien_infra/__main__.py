from artificien_infra.cli import main

main()
