# ruff: noqa: E501
"""Expected outputs recorded from the real engine.

Every row was rendered by nunjitsu 0.7.0 (the interpreter of Backstage scaffolder-backend
4.3.0) with Backstage's default filters, through the same ``JSON.parse`` reviver as
``NunjucksWorkflowRunner.render`` (value rows) or ``renderer.render`` (text rows). The
script that recorded them is not part of the repository; the rows are the contract.
"""

from scaffolder.templating import UNDEFINED

VALUE_CASES = [
    ("${{ True }}", {}, UNDEFINED),
    ("${{ None }}", {}, UNDEFINED),
    ("${{ null }}", {}, None),
    ("${{ p.missing | upper }}", {}, ""),
    ("${{ p.missing | default('') }}", {}, ""),
    ("${{ {a:1}.keys() }}", {}, "${{ {a:1}.keys() }}"),
    ("${{ {a:1}.items() }}", {}, "${{ {a:1}.items() }}"),
    (
        "${{ p.items }}",
        {"p": {"tags": [], "obj": {}, "n": 0, "s": "abc", "items": "I", "keys": "K"}},
        "I",
    ),
    (
        "${{ p.keys }}",
        {"p": {"tags": [], "obj": {}, "n": 0, "s": "abc", "items": "I", "keys": "K"}},
        "K",
    ),
    ("${{ 1 && 2 }}", {}, "${{ 1 && 2 }}"),
    ("${{ !true }}", {}, "${{ !true }}"),
    ("${{ [] or 'x' }}", {}, []),
    ("${{ {} and 'y' }}", {}, "y"),
    ("${{ 0 or 'z' }}", {}, "z"),
    ("${{ 'a' ~ true }}", {}, "atrue"),
    ("${{ 1/0 }}", {}, None),
    ("${{ 7 // 2 }}", {}, 3),
    ("${{ 7 % 3 }}", {}, 1),
    ("${{ 2 ** 10 }}", {}, 1024),
    ("${{ -'3' }}", {}, -3),
    ("${{ '3' * '4' }}", {}, 12),
    ("${{ '3' - 1 }}", {}, 2),
    ("${{ '3' + 1 }}", {}, "31"),
    ("${{ [1] + [2] }}", {}, "12"),
    ("${{ x + 1 }}", {}, None),
    ("${{ {a:1} + 'x' }}", {}, "[object Object]x"),
    ("${{ null + 1 }}", {}, 1),
    ("${{ true + 1 }}", {}, 2),
    ("${{ 1 < 2 < 3 }}", {}, True),
    ("${{ '10' < '9' }}", {}, True),
    ("${{ '10' < 9 }}", {}, False),
    ("${{ 0.1 + 0.2 }}", {}, 0.30000000000000004),
    ("${{ 1/3 }}", {}, 0.3333333333333333),
    ("${{ 'x' in {x:1} }}", {}, True),
    ("${{ 'b' in 'abc' }}", {}, True),
    ("${{ 2 in [1,2] }}", {}, True),
    ("${{ 'a' not in ['b'] }}", {}, True),
    ("${{ null == undefined }}", {}, True),
    ("${{ x == null }}", {}, True),
    ("${{ x === null }}", {}, False),
    ("${{ 0 == '' }}", {}, True),
    ("${{ 1 == true }}", {}, True),
    ("${{ [1] == 1 }}", {}, True),
    ("${{ 'abc'[0] }}", {}, "a"),
    ("${{ [1,2][-1] }}", {}, UNDEFINED),
    ("${{ 'abcdef'.slice(1,-1) }}", {}, "bcde"),
    ("${{ 'a,b'.split(',') }}", {}, ["a", "b"]),
    ("${{ 'aXbX'.replace('X','-') }}", {}, "a-bX"),
    ("${{ 'aXbX'.replace(r/x/gi,'-') }}", {}, "a-b-"),
    ("${{ 'aXbX'.replace(r/(X)/,'[$1]') }}", {}, "a[X]bX"),
    ("${{ r/a/.test('cat') }}", {}, True),
    ("${{ 'abc'.match(r/b/) }}", {}, "${{ 'abc'.match(r/b/) }}"),
    ("${{ 'abc'.substring(1) }}", {}, "bc"),
    ("${{ 'abc'.charAt(1) }}", {}, "b"),
    ("${{ 'ab'.repeat(3) }}", {}, "${{ 'ab'.repeat(3) }}"),
    ("${{ 'ab'.padStart(5,'-') }}", {}, "${{ 'ab'.padStart(5,'-') }}"),
    ("${{ [3,1,2].sort() }}", {}, [1, 2, 3]),
    ("${{ [1,2].map }}", {}, UNDEFINED),
    ("${{ 'abc'.length }}", {}, 3),
    (
        "${{ p.s.foo }}",
        {"p": {"tags": [], "obj": {}, "n": 0, "s": "abc", "items": "I", "keys": "K"}},
        UNDEFINED,
    ),
    (
        "${{ p.s.foo() }}",
        {"p": {"tags": [], "obj": {}, "n": 0, "s": "abc", "items": "I", "keys": "K"}},
        "${{ p.s.foo() }}",
    ),
    ("${{ ''.__class__ }}", {}, UNDEFINED),
    ("${{ x() }}", {}, "${{ x() }}"),
    ("${{ 'Ab'.toLowerCase() + 'c'.toUpperCase() }}", {}, "abC"),
    ("${{ ' a '.trim() }}", {}, "a"),
    ("${{ 'abc'.indexOf('c') }}", {}, 2),
    ("${{ [1,2].indexOf(3) }}", {}, -1),
    ("${{ [1,2].concat([3],4) }}", {}, [1, 2, 3, 4]),
    ("${{ 'a'.concat('b', 1) }}", {}, "ab1"),
    ("${{ [1,2].join('-') }}", {}, "1-2"),
    ("${{ [1,[2,3]].join() }}", {}, "1,2,3"),
    ("${{ [1,2].includes(2) }}", {}, True),
    ("${{ 'abc'.includes('b') }}", {}, True),
    ("${{ 'abc'.startsWith('a') }}", {}, True),
    ("${{ 'abc'.endsWith('c') }}", {}, True),
    ("${{ [1,2].slice(1) }}", {}, [2]),
    ("${{ 'a b  c'.split(' ') }}", {}, ["a", "b", "", "c"]),
    ("${{ 'abc'.split('') }}", {}, ["a", "b", "c"]),
    (
        "${{ values.o | dump }}",
        {
            "values": {
                "name": "payments handbook-x",
                "tags": ["b", "a"],
                "o": {"z": 1, "a": [1, "é"]},
                "n": 3,
                "f": 85.5,
                "zip": "42",
            }
        },
        '{"z":1,"a":[1,"é"]}',
    ),
    (
        "${{ values.name | title }}",
        {
            "values": {
                "name": "payments handbook-x",
                "tags": ["b", "a"],
                "o": {"z": 1, "a": [1, "é"]},
                "n": 3,
                "f": 85.5,
                "zip": "42",
            }
        },
        "Payments Handbook-x",
    ),
    ("${{ 'payments-handbook' | title }}", {}, "Payments-handbook"),
    ("${{ 'aBC dEF' | capitalize }}", {}, "Abc def"),
    ("${{ 'aaa' | replace('a','b') }}", {}, "bbb"),
    ("${{ 'aaa' | replace('a','b', 2) }}", {}, "bba"),
    ("${{ 'abc' | replace('','-') }}", {}, "-a-b-c-"),
    ("${{ 'aXa' | replace(r/a/g,'b') }}", {}, "bXb"),
    (
        "${{ values.o | length }}",
        {
            "values": {
                "name": "payments handbook-x",
                "tags": ["b", "a"],
                "o": {"z": 1, "a": [1, "é"]},
                "n": 3,
                "f": 85.5,
                "zip": "42",
            }
        },
        2,
    ),
    ("${{ x | length }}", {}, 0),
    ("${{ x | default('d') }}", {}, "d"),
    ("${{ '' | default('d') }}", {}, ""),
    ("${{ '' | default('d', true) }}", {}, "d"),
    ("${{ null | default('d') }}", {}, None),
    ("${{ '42' | int }}", {}, 42),
    ("${{ '4.7' | int }}", {}, 4),
    ("${{ 'x' | int }}", {}, UNDEFINED),
    ("${{ 'x' | int(5) }}", {}, 5),
    ("${{ '4.5' | float }}", {}, 4.5),
    ("${{ 'a' | float }}", {}, UNDEFINED),
    (
        "${{ values.tags | sort }}",
        {
            "values": {
                "name": "payments handbook-x",
                "tags": ["b", "a"],
                "o": {"z": 1, "a": [1, "é"]},
                "n": 3,
                "f": 85.5,
                "zip": "42",
            }
        },
        ["a", "b"],
    ),
    (
        "${{ values.tags | reverse }}",
        {
            "values": {
                "name": "payments handbook-x",
                "tags": ["b", "a"],
                "o": {"z": 1, "a": [1, "é"]},
                "n": 3,
                "f": 85.5,
                "zip": "42",
            }
        },
        ["a", "b"],
    ),
    ("${{ 'abc' | reverse }}", {}, "cba"),
    (
        "${{ values.tags | first }}",
        {
            "values": {
                "name": "payments handbook-x",
                "tags": ["b", "a"],
                "o": {"z": 1, "a": [1, "é"]},
                "n": 3,
                "f": 85.5,
                "zip": "42",
            }
        },
        "b",
    ),
    (
        "${{ values.tags | last }}",
        {
            "values": {
                "name": "payments handbook-x",
                "tags": ["b", "a"],
                "o": {"z": 1, "a": [1, "é"]},
                "n": 3,
                "f": 85.5,
                "zip": "42",
            }
        },
        "a",
    ),
    (
        "${{ values.tags | join('-') }}",
        {
            "values": {
                "name": "payments handbook-x",
                "tags": ["b", "a"],
                "o": {"z": 1, "a": [1, "é"]},
                "n": 3,
                "f": 85.5,
                "zip": "42",
            }
        },
        "b-a",
    ),
    ("${{ 'abcdefghij' | truncate(5) }}", {}, "abcde..."),
    ("${{ 'a b c' | wordcount }}", {}, 3),
    ("${{ 'a&b c' | urlencode }}", {}, "a%26b%20c"),
    ("${{ {a:'x y',b:1} | urlencode }}", {}, "a=x%20y&b=1"),
    ("${{ 'a\\nb' | indent(2) }}", {}, "a\n  b"),
    ("${{ 'a\\nb' | indent(2, true) }}", {}, "  a\n  b"),
    ("${{ 'abc' | list }}", {}, ["a", "b", "c"]),
    ("${{ [1,0,2] | select }}", {}, [1, 2]),
    ("${{ [1,0,2] | reject }}", {}, [0]),
    ("${{ [{a:1},{a:0}] | selectattr('a') }}", {}, [{"a": 1}]),
    ("${{ [{a:1},{a:0}] | rejectattr('a') }}", {}, [{"a": 0}]),
    ("${{ [1,2,3] | select('odd') }}", {}, [1, 3]),
    ("${{ 'x' | upper }}", {}, "X"),
    ("${{ ' x ' | trim }}", {}, "x"),
    ("${{ 'AB' | lower }}", {}, "ab"),
    (
        "${{ values.zip }}",
        {
            "values": {
                "name": "payments handbook-x",
                "tags": ["b", "a"],
                "o": {"z": 1, "a": [1, "é"]},
                "n": 3,
                "f": 85.5,
                "zip": "42",
            }
        },
        "42",
    ),
    (
        "${{ values.f * 2 }}",
        {
            "values": {
                "name": "payments handbook-x",
                "tags": ["b", "a"],
                "o": {"z": 1, "a": [1, "é"]},
                "n": 3,
                "f": 85.5,
                "zip": "42",
            }
        },
        171,
    ),
    (
        "${{ values.f == '85.5' }}",
        {
            "values": {
                "name": "payments handbook-x",
                "tags": ["b", "a"],
                "o": {"z": 1, "a": [1, "é"]},
                "n": 3,
                "f": 85.5,
                "zip": "42",
            }
        },
        True,
    ),
    (
        "${{ values.tags | length > 0 }}",
        {
            "values": {
                "name": "payments handbook-x",
                "tags": ["b", "a"],
                "o": {"z": 1, "a": [1, "é"]},
                "n": 3,
                "f": 85.5,
                "zip": "42",
            }
        },
        True,
    ),
    (
        "${{ 'user:default/jdoe' | parseEntityRef }}",
        {},
        {"kind": "user", "namespace": "default", "name": "jdoe"},
    ),
    (
        "${{ 'jdoe' | parseEntityRef({defaultKind:'User'}) }}",
        {},
        {"kind": "User", "namespace": "default", "name": "jdoe"},
    ),
    ("${{ 'jdoe' | parseEntityRef }}", {}, "${{ 'jdoe' | parseEntityRef }}"),
    ("${{ 'system:platform' | parseEntityRef | pick('name') }}", {}, "platform"),
    (
        "${{ 'System:ns/Platform' | parseEntityRef({defaultKind:'group', defaultNamespace:'x'}) }}",
        {},
        {"kind": "System", "namespace": "ns", "name": "Platform"},
    ),
    (
        "${{ values.o | pick('a.1') }}",
        {
            "values": {
                "name": "payments handbook-x",
                "tags": ["b", "a"],
                "o": {"z": 1, "a": [1, "é"]},
                "n": 3,
                "f": 85.5,
                "zip": "42",
            }
        },
        "é",
    ),
    (
        "${{ values.o | pick('q') }}",
        {
            "values": {
                "name": "payments handbook-x",
                "tags": ["b", "a"],
                "o": {"z": 1, "a": [1, "é"]},
                "n": 3,
                "f": 85.5,
                "zip": "42",
            }
        },
        UNDEFINED,
    ),
    ("${{ x.y | dump }}", {}, UNDEFINED),
    ("${{ 'x' | nosuch }}", {}, "${{ 'x' | nosuch }}"),
    (
        "{% if values.n > 2 %}true{% else %}false{% endif %}",
        {
            "values": {
                "name": "payments handbook-x",
                "tags": ["b", "a"],
                "o": {"z": 1, "a": [1, "é"]},
                "n": 3,
                "f": 85.5,
                "zip": "42",
            }
        },
        True,
    ),
    ("{% if false %}x{% endif %}", {}, UNDEFINED),
    ("{% if true %} 12 {% endif %}", {}, 12),
    ("{% if true %}[1, 2]{% endif %}", {}, [1, 2]),
    ("{% if true %}abc{% endif %}", {}, "abc"),
    ("${{ 'x' if false }}", {}, ""),
    ("n=${{ x }}", {}, "n="),
    (
        " ${{ values.n }} ",
        {
            "values": {
                "name": "payments handbook-x",
                "tags": ["b", "a"],
                "o": {"z": 1, "a": [1, "é"]},
                "n": 3,
                "f": 85.5,
                "zip": "42",
            }
        },
        " 3 ",
    ),
    (
        "${{ values.n }}${{ values.n }}",
        {
            "values": {
                "name": "payments handbook-x",
                "tags": ["b", "a"],
                "o": {"z": 1, "a": [1, "é"]},
                "n": 3,
                "f": 85.5,
                "zip": "42",
            }
        },
        "33",
    ),
    ("${{ x + '-suffix' }}", {}, "undefined-suffix"),
    ("a${{ x * 2 }}", {}, "aNaN"),
    (
        "${{ values.tags }}!",
        {
            "values": {
                "name": "payments handbook-x",
                "tags": ["b", "a"],
                "o": {"z": 1, "a": [1, "é"]},
                "n": 3,
                "f": 85.5,
                "zip": "42",
            }
        },
        "b,a!",
    ),
    ("${{ [] }}!", {}, "!"),
    (
        "${{ 'a' + values.n ~ 'b' }} ${{ x | nosuch }}",
        {
            "values": {
                "name": "payments handbook-x",
                "tags": ["b", "a"],
                "o": {"z": 1, "a": [1, "é"]},
                "n": 3,
                "f": 85.5,
                "zip": "42",
            }
        },
        "${{ 'a' + values.n ~ 'b' }} ${{ x | nosuch }}",
    ),
    (
        "${{ 'platform-team' | parseEntityRef }} ok ${{ values.n }}",
        {
            "values": {
                "name": "payments handbook-x",
                "tags": ["b", "a"],
                "o": {"z": 1, "a": [1, "é"]},
                "n": 3,
                "f": 85.5,
                "zip": "42",
            }
        },
        "${{ 'platform-team' | parseEntityRef }} ok ${{ values.n }}",
    ),
    ("${{ '{\"a\":1}' }}", {}, '{"a":1}'),
    ("${{ ' 3' }}", {}, " 3"),
    ("${{ {a: x, b: 1} }}", {}, {"b": 1}),
    ("${{ [x, 1] }}", {}, [None, 1]),
    (
        "${{ values.tags | dump }}x",
        {
            "values": {
                "name": "payments handbook-x",
                "tags": ["b", "a"],
                "o": {"z": 1, "a": [1, "é"]},
                "n": 3,
                "f": 85.5,
                "zip": "42",
            }
        },
        '["b","a"]x',
    ),
    ("${{ 'é' | dump }}", {}, '"é"'),
    ("${{ 1.0 }}", {}, 1),
    ("${{ 3 / 2 * 2 }}", {}, 3),
    (
        "${{ values.n ~ '' }}",
        {
            "values": {
                "name": "payments handbook-x",
                "tags": ["b", "a"],
                "o": {"z": 1, "a": [1, "é"]},
                "n": 3,
                "f": 85.5,
                "zip": "42",
            }
        },
        "3",
    ),
    ("${{ 'abc' | dump | length }}", {}, 5),
    ("${{ [1,2] | sum }}", {}, 3),
    ("${{ [3,1] | min }}", {}, "${{ [3,1] | min }}"),
    ("${{ 'abc' | center(7) }}", {}, "  abc  "),
    ("${{ 1.555 | round(2) }}", {}, 1.56),
    ("${{ -3 | abs }}", {}, 3),
    ("${{ {b:1,a:2} | dictsort }}", {}, [["a", 2], ["b", 1]]),
    ("${{ [1,2,3,4] | batch(3) }}", {}, [[1, 2, 3], [4]]),
    ("${{ [{a:1},{a:1},{a:2}] | groupby('a') }}", {}, {"1": [{"a": 1}, {"a": 1}], "2": [{"a": 2}]}),
    ("${{ 'a b' | replace(' ', '') }}", {}, "ab"),
    ("${{ '<a>' | escape }}", {}, "&lt;a&gt;"),
    ("${{ '<a>' | safe }}", {}, "<a>"),
    ("${{ 'a' | string }}", {}, "a"),
    ("${{ 1 | string }}", {}, "1"),
    ("${{ 'a <b>' | striptags }}", {}, "a"),
    ("${{ 'x' | lower | upper }}", {}, "X"),
    ("${{ 'a-b_c d' | title }}", {}, "A-b_c D"),
    ("${{ 'hello world foo' | truncate(9) }}", {}, "hello..."),
    ("${{ 'hello world foo' | truncate(9, true) }}", {}, "hello wor..."),
    ("${{ 'hello world foo' | truncate(9, false, '!') }}", {}, "hello!"),
    ("${{ each.key + 1 }}", {"each": {"key": "0", "value": {"a": 1}}}, "01"),
    ("${{ each.key | int + 1 }}", {}, None),
    ("${{ each.value }}", {"each": {"key": "0", "value": {"a": 1}}}, {"a": 1}),
    (
        "{% if values.flag %}${{ values.n }}{% endif %}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        3,
    ),
    (
        "{% for i in values.items %}${{ i }}{% endfor %}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        "ab",
    ),
    (
        "{% if values.flag %} {% endif %}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        " ",
    ),
    (
        "${{ values.name }}\n",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        "svc\n",
    ),
    ("${{ secrets.pypiToken | length }}", {"secrets": {"pypiToken": "***"}}, 3),
    (
        "${{ values.items.length }}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        2,
    ),
    (
        "${{ 'x' in values.items }}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        False,
    ),
    (
        "${{ values.o['k'] }}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        "v",
    ),
    (
        "${{ not values.flag }}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        False,
    ),
    (
        "${{ values.flag and values.name }}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        "svc",
    ),
    (
        "${{ values.name if values.flag else 'no' }}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        "svc",
    ),
    (
        "${{ values.o.n > 1 and values.o.n < 3 }}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        True,
    ),
    (
        "${{ values.name != 'svc' }}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        False,
    ),
    (
        "${{ values.name !== 'svc' }}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        False,
    ),
    (
        "${{ [values.name, values.n] }}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        ["svc", 3],
    ),
    (
        "${{ {name: values.name, count: values.n} }}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {"name": "svc", "count": 3},
    ),
    ("${{ 'a' + 'b' ~ 'c' }}", {}, "abc"),
    (
        "${{ values.missing.deep.x }}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        UNDEFINED,
    ),
    (
        "${{ values.missing.x() }}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        "${{ values.missing.x() }}",
    ),
    (
        "${{ values.n is defined }}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        True,
    ),
    (
        "${{ values.zz is undefined }}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        True,
    ),
    (
        "${{ values.n is odd }}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        True,
    ),
    ("${{ 'aBc' | lower }}", {}, "abc"),
    (
        '${{ values.name == "svc" }}',
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        True,
    ),
    ("${{ 'it\\'s' }}", {}, "it's"),
    ('${{ "a===b" }}', {}, "a===b"),
    ("${{ 'null' }}", {}, "null"),
    ("${{ 'r/x/' }}", {}, "r/x/"),
    ("${{ 'ab' | replace(r/b/, 'r/x/') }}", {}, "ar/x/"),
]

# (template, context, options, expected text or "ERROR")
TEXT_CASES = [
    (
        "{% if p.tags %}T{% else %}F{% endif %}",
        {"p": {"tags": [], "obj": {}, "n": 0, "s": "abc", "items": "I", "keys": "K"}},
        {},
        "T",
    ),
    (
        "{% if p.obj %}T{% else %}F{% endif %}",
        {"p": {"tags": [], "obj": {}, "n": 0, "s": "abc", "items": "I", "keys": "K"}},
        {},
        "T",
    ),
    (
        "{% for x in p.obj %}[{{x}}]{% endfor %}{% for x in {a:1,b:2} %}[${{x}}]{% endfor %}",
        {"p": {"tags": [], "obj": {}, "n": 0, "s": "abc", "items": "I", "keys": "K"}},
        {},
        "",
    ),
    (
        "{% for x in 'abc' %}[${{x}}]{% endfor %}",
        {"p": {"tags": [], "obj": {}, "n": 0, "s": "abc", "items": "I", "keys": "K"}},
        {},
        "[a][b][c]",
    ),
    (
        "a\n${{ values.name }}\n",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {},
        "a\nsvc\n",
    ),
    (
        "{% if values.flag %}\nyes\n{% endif %}\n",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {},
        "\nyes\n\n",
    ),
    (
        "{% if values.flag %}\nyes\n{% endif %}\n",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {"trim_blocks": True},
        "yes\n",
    ),
    (
        "  {% if values.flag %}\nyes\n  {% endif %}\nend",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {"trim_blocks": True, "lstrip_blocks": True},
        "yes\nend",
    ),
    (
        "a  {%- if values.flag -%}  b  {%- endif -%}  c",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {},
        "abc",
    ),
    (
        "echo ${#arr[@]}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {},
        "ERROR",
    ),
    (
        "sha: ${{ github.sha }}\n",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {},
        "sha: \n",
    ),
    (
        "helm {{ .Values.x }}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {},
        "helm {{ .Values.x }}",
    ),
    (
        "{# comment #}x",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {},
        "x",
    ),
    (
        "{% raw %}${{ values.name }}{% endraw %}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {},
        "${{ values.name }}",
    ),
    (
        "${{ 'ops' if values.docker }}/runbook.md",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {},
        "/runbook.md",
    ),
    (
        "${{ values.items }} ${{ values.o }} ${{ values.flag }} ${{ values.missing }}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {},
        "a,b [object Object] true ",
    ),
    (
        "{% for i in values.items %}${{ loop.index }}:${{ i }}{% if not loop.last %},{% endif %}{% endfor %}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {},
        "1:a,2:b",
    ),
    (
        "{% for k, v in values.o %}${{ k }}=${{ v }};{% endfor %}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {},
        "k=v;n=2;",
    ),
    (
        "{% set x = values.n * 2 %}${{ x }}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {},
        "6",
    ),
    (
        "{{ cookiecutter.name | jsonify }} {{ cookiecutter.o | jsonify }}",
        {"cookiecutter": {"name": "svc", "flag": True, "o": {"a": 1, "b": 2}, "n": None}},
        {"cookiecutter": True},
        '"svc" {"a":1,"b":2}',
    ),
    (
        "{% for k, v in cookiecutter.o.items() %}{{k}}{{v}}{% endfor %}",
        {"cookiecutter": {"name": "svc", "flag": True, "o": {"a": 1, "b": 2}, "n": None}},
        {"cookiecutter": True},
        "a1b2",
    ),
    (
        "{% if cookiecutter.flag == True %}T{% endif %}{{ None }}|{{ cookiecutter.n }}|",
        {"cookiecutter": {"name": "svc", "flag": True, "o": {"a": 1, "b": 2}, "n": None}},
        {"cookiecutter": True},
        "T||",
    ),
    (
        "{{ cookiecutter.name.upper() }}",
        {"cookiecutter": {"name": "svc", "flag": True, "o": {"a": 1, "b": 2}, "n": None}},
        {"cookiecutter": True},
        "ERROR",
    ),
    (
        "${{ cookiecutter.name }}",
        {"cookiecutter": {"name": "svc", "flag": True, "o": {"a": 1, "b": 2}, "n": None}},
        {"cookiecutter": True},
        "$svc",
    ),
    (
        "{{ cookiecutter.o.keys() | list }}",
        {"cookiecutter": {"name": "svc", "flag": True, "o": {"a": 1, "b": 2}, "n": None}},
        {"cookiecutter": True},
        "a,b",
    ),
    (
        "{{ cookiecutter.name | upper }} {{ True }} {{ False }} {{ true }}",
        {"cookiecutter": {"name": "svc", "flag": True, "o": {"a": 1, "b": 2}, "n": None}},
        {"cookiecutter": True},
        "SVC true false true",
    ),
    (
        "{{ cookiecutter.name ~ '-x' }}",
        {"cookiecutter": {"name": "svc", "flag": True, "o": {"a": 1, "b": 2}, "n": None}},
        {"cookiecutter": True},
        "svc-x",
    ),
    (
        "{% macro greet(n) %}hi ${{ n }}{% endmacro %}${{ greet('bob') }}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {},
        "hi bob",
    ),
    (
        "${{ values.name | upper }}\r\n",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {},
        "SVC\r\n",
    ),
    (
        "${{ values.name }",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {},
        "ERROR",
    ),
    (
        "{% if %}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {},
        "ERROR",
    ),
    (
        "${{ values.n + 1 }} ${{ values.n ~ 1 }} ${{ values.n / 2 }} ${{ values.n // 2 }}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {},
        "4 31 1.5 1",
    ),
    (
        "${{ 'Hello' | replace('l', 'L') }}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {},
        "HeLLo",
    ),
    (
        "{%- for i in values.items %}\n  - ${{ i }}\n{%- endfor %}\n",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {},
        "\n  - a\n  - b\n",
    ),
    (
        "${{ values.name | dump }}: ${{ values.o | dump(2) }}",
        {
            "values": {
                "name": "svc",
                "docker": False,
                "items": ["a", "b"],
                "o": {"k": "v", "n": 2},
                "flag": True,
                "n": 3,
            }
        },
        {},
        '"svc": {\n  "k": "v",\n  "n": 2\n}',
    ),
]

# Loops, scoping and precedence (c4).
TEXT_CASES += [
    (
        "{% set c = 0 %}{% for i in values.items %}{% set c = c + 1 %}{% endfor %}${{ c }}",
        {"values": {"items": ["b", "a", "c"], "n": 0}},
        {},
        "3",
    ),
    (
        "{% for i in values.items %}${{ loop.length }}${{ loop.revindex }}${{ loop.first }}{% endfor %}",
        {"values": {"items": ["b", "a", "c"], "n": 0}},
        {},
        "33true32false31false",
    ),
    ("${{ values.items | join }}", {"values": {"items": ["b", "a", "c"], "n": 0}}, {}, "bac"),
    (
        "{% for i in values.items | sort %}${{ i }}{% else %}none{% endfor %}",
        {"values": {"items": ["b", "a", "c"], "n": 0}},
        {},
        "abc",
    ),
    (
        "{% for i in [] %}x{% else %}none{% endfor %}",
        {"values": {"items": ["b", "a", "c"], "n": 0}},
        {},
        "none",
    ),
    (
        "{% for i in values.missing %}x{% else %}none{% endfor %}",
        {"values": {"items": ["b", "a", "c"], "n": 0}},
        {},
        "none",
    ),
    ("${{ 2 ** 3 ** 2 }}", {}, {}, "64"),
    ("${{ -2 ** 2 }}", {}, {}, "4"),
    ("${{ 10 / 4 | int }}", {}, {}, "2.5"),
    ("${{ values.items[1] }}", {"values": {"items": ["b", "a", "c"], "n": 0}}, {}, "a"),
    ("{% set x = {a: {b: 1}} %}${{ x.a.b }}", {}, {}, "1"),
    ("${{ 'a' ~ none ~ undefinedvar }}", {}, {}, "anullundefined"),
    ("${{ [1,2,3] | length * 2 }}", {}, {}, "6"),
    ("{%- if true %}  x  {% endif -%}\n", {}, {}, "  x  "),
    (
        "${{ values.items | first | upper }}",
        {"values": {"items": ["b", "a", "c"], "n": 0}},
        {},
        "B",
    ),
    ("${{ 'x' if values.n else 'y' }}", {"values": {"items": ["b", "a", "c"], "n": 0}}, {}, "y"),
    ("${{ 'A' | lower if true }}", {}, {}, "a"),
    ("{{ cookiecutter.x }}", {"cookiecutter": {"x": True}}, {"cookiecutter": True}, "true"),
    (
        "{{ cookiecutter.x }}",
        {"cookiecutter": {"x": [1, {"a": 1}]}},
        {"cookiecutter": True},
        "1,[object Object]",
    ),
    ("${{ 1 if values.n == 0 }}", {"values": {"items": ["b", "a", "c"], "n": 0}}, {}, "1"),
    (
        "${{ values.items.length > 2 and 'many' or 'few' }}",
        {"values": {"items": ["b", "a", "c"], "n": 0}},
        {},
        "many",
    ),
]

# Loops, scoping and precedence (c5).
TEXT_CASES += [
    ("{% for i in [1,2] %}{% set last = i %}{% endfor %}[${{ last }}]", {}, {}, "[]"),
    (
        "{% set first = true %}{% for i in values.items %}{% if not first %},{% endif %}${{ i }}{% set first = false %}{% endfor %}",
        {"values": {"items": ["b", "a", "c"], "c": 5}},
        {},
        "b,a,c",
    ),
    (
        "{% set c = 0 %}{% for i in [1,2] %}{% for j in [1,2] %}{% set c = c + 1 %}{% endfor %}{% endfor %}${{ c }}",
        {},
        {},
        "4",
    ),
    (
        "${{ values.c }}{% set values = 1 %}${{ values }}",
        {"values": {"items": ["b", "a", "c"], "c": 5}},
        {},
        "51",
    ),
    (
        "{% set c = 'outer' %}{% macro m() %}{% set c = 'm' %}${{ c }}{% endmacro %}${{ m() }}${{ c }}{% for i in [1] %}{% set c = 'loop' %}{% endfor %}${{ c }}",
        {},
        {},
        "mouterloop",
    ),
]
