// Command postsale is a terminal inbox for Mercado Libre sellers' post-sale messages.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "postsale: not wired yet")
	os.Exit(1)
}
