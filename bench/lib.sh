# Shell pieces bench/run and bench/profile share (sourced, not run).

# The `Cookie` header a client sends after a response whose headers (curl -D) are in
# file $1: `name=value; …` of every Set-Cookie line, the ones it clears (an empty
# value) left out.
cookie_header_from() {
  { grep -i '^set-cookie:' "$1" || true; } | sed -E 's/^[^:]*: *//; s/;.*//' \
    | tr -d '\r' | { grep -v '=$' || true; } | paste -sd ';' - | sed 's/;/; /g'
}

# Writes to file $1 a wrk script sending method $2 with a JSON content type, origin $3,
# and, when not empty, the cookie header $4 and the body $5.
write_wrk_script() {
  local file=$1 method=$2 origin=$3 cookie=$4 body=$5
  {
    echo "wrk.method = \"$method\""
    echo "wrk.headers[\"Content-Type\"] = \"application/json\""
    echo "wrk.headers[\"Origin\"] = \"$origin\""
    [ -z "$cookie" ] || echo "wrk.headers[\"Cookie\"] = [[$cookie]]"
    [ -z "$body" ] || echo "wrk.body = [[$body]]"
  } > "$file"
}
