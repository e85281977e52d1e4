package catalog_test

import (
	"testing"

	"ziping/pgtest"
)

func TestMain(m *testing.M) { pgtest.Run(m) }
