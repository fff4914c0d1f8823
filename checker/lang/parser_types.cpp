// The parser, types: C's type spellings as kernel code writes them, and declarators.
#include <array>

#include <fmt/format.h>

#include "checker/lang/parser_internal.hpp"

namespace preempt::lang::syntax::detail {

bool is_int_type_word(std::string_view word) {
  static constexpr std::array<std::string_view, 31> kWords = {
      "unsigned", "signed",   "long",     "short",    "char",     "bool",     "_Bool",  "u8",
      "u16",      "u32",      "u64",      "s8",       "s16",      "s32",      "s64",    "size_t",
      "ssize_t",  "loff_t",   "gfp_t",    "pid_t",    "uint8_t",  "uint16_t", "uint32_t", "uint64_t",
      "int8_t",   "int16_t",  "int32_t",  "int64_t",  "uintptr_t", "umode_t", "irqreturn_t"};
  return std::find(kWords.begin(), kWords.end(), word) != kWords.end();
}

bool is_ignored_type_word(std::string_view word) {
  static constexpr std::array<std::string_view, 13> kWords = {
      "const", "static", "volatile", "inline", "extern", "__rcu", "__user", "__iomem", "__percpu",
      "__init", "__exit", "__read_mostly", "__always_inline"};
  return std::find(kWords.begin(), kWords.end(), word) != kWords.end();
}

std::optional<ObjectKind> object_type_word(std::string_view word) {
  if (word == "spinlock_t") return ObjectKind::Spinlock;
  if (word == "refcount_t") return ObjectKind::Refcount;
  if (word == "wait_queue_head_t") return ObjectKind::WaitQueue;
  if (word == "atomic_t" || word == "atomic_long_t" || word == "atomic64_t") return ObjectKind::Int;
  return std::nullopt;
}

// Whether a type starts here (a declaration, in a block).
bool Parser::at_type() const {
  if (check(TokenKind::KwInt) || check(TokenKind::KwVoid) || check(TokenKind::KwStruct) || check(TokenKind::KwEnum)) {
    return true;
  }
  if (!check(TokenKind::Identifier)) return false;
  return is_int_type_word(current_.text) || is_ignored_type_word(current_.text) ||
         object_type_word(current_.text).has_value() || current_.text == "DECLARE_WAIT_QUEUE_HEAD";
}

void Parser::skip_qualifiers() {
  while (check(TokenKind::Identifier) && is_ignored_type_word(current_.text)) advance();
}

// type = { qualifier } base_type { qualifier } { "*" { qualifier } } ;
// base_type = "int" | "void" | "struct" IDENT | "enum" IDENT | int_word { int_word } | object_word ;
TypeSyntax Parser::parse_type(std::string_view what) {
  skip_qualifiers();
  TypeSyntax type;
  type.loc = current_.loc;
  if (check(TokenKind::KwInt)) {
    type.base = TypeSyntax::Base::Int;
    advance();
  } else if (check(TokenKind::KwVoid)) {
    type.base = TypeSyntax::Base::Void;
    advance();
  } else if (check(TokenKind::KwStruct)) {
    advance();
    type.base = TypeSyntax::Base::Struct;
    // The kernel's struct names include words of the language's own short spellings: struct
    // module, struct mutex, struct completion, struct kobject.
    type.struct_name = expect_word("a struct name after 'struct'");
  } else if (check(TokenKind::KwEnum)) {
    advance();
    type.base = TypeSyntax::Base::Int;  // an enum is an int
    (void)expect_name("an enum name after 'enum'");
  } else if (check(TokenKind::Identifier) && is_int_type_word(current_.text)) {
    type.base = TypeSyntax::Base::Int;
    while (check(TokenKind::Identifier) && is_int_type_word(current_.text)) advance();
    if (check(TokenKind::KwInt)) advance();  // unsigned int, long int
  } else if (check(TokenKind::Identifier) && current_.text == "DECLARE_WAIT_QUEUE_HEAD") {
    type.base = TypeSyntax::Base::Object;  // DECLARE_WAIT_QUEUE_HEAD(name): a wait_queue_head_t
    type.object = ObjectKind::WaitQueue;
    type.declare_macro = true;
    advance();
    return type;
  } else if (check(TokenKind::Identifier) && object_type_word(current_.text)) {
    type.base = TypeSyntax::Base::Object;
    type.object = *object_type_word(current_.text);
    advance();
  } else {
    error_expected(what);
    return type;
  }
  skip_qualifiers();
  while (match(TokenKind::Star)) {
    ++type.pointers;
    skip_qualifiers();
  }
  return type;
}

// declarator = IDENT | "(" "*" IDENT ")" "(" [ params ] ")" ;   (a function pointer)
Name Parser::parse_declarator(TypeSyntax& type, std::string_view what, bool field) {
  if (!match(TokenKind::LParen)) return field ? expect_word(what) : expect_name(what);
  if (!expect(TokenKind::Star)) return Name{};
  Name name = field ? expect_word(what) : expect_name(what);
  if (!expect(TokenKind::RParen)) return name;
  if (!expect(TokenKind::LParen)) return name;
  type.function = true;
  parse_params(type.params, false);
  expect(TokenKind::RParen);
  return name;
}

// params = "void" | param { "," param } ;   param = type declarator ;
// (Reads up to the closing parenthesis, which it leaves.)
void Parser::parse_params(std::vector<Param>& params, bool names_required) {
  if (check(TokenKind::RParen)) return;
  bool first_is_void_pointer = false;
  TypeSyntax void_type;
  if (check(TokenKind::KwVoid)) {
    // `(void)`: no parameters -- unless it is `void *data` (a kthread's function, a callback's).
    void_type.base = TypeSyntax::Base::Void;
    void_type.loc = current_.loc;
    advance();
    if (check(TokenKind::RParen)) return;
    if (!check(TokenKind::Star)) {
      error_at(previous_.loc, "a parameter cannot be void (write (void) for no parameters)");
      return;
    }
    skip_qualifiers();
    while (match(TokenKind::Star)) {
      ++void_type.pointers;
      skip_qualifiers();
    }
    first_is_void_pointer = true;
  }
  do {
    Param p;
    if (first_is_void_pointer) {
      p.type = std::move(void_type);
      first_is_void_pointer = false;
    } else {
      p.type = parse_type("a parameter type");
    }
    if (panic_) return;
    if (check(TokenKind::Identifier) || check(TokenKind::LParen) || names_required) {
      p.name = parse_declarator(p.type, "a parameter name");
    }
    params.push_back(std::move(p));
  } while (!panic_ && match(TokenKind::Comma));
}

// { "[" array_size "]" } ;
void Parser::parse_array_sizes(std::vector<ExprPtr>& sizes) {
  while (match(TokenKind::LBracket)) {
    sizes.push_back(parse_array_size("array size"));
    expect(TokenKind::RBracket);
    if (panic_) return;
  }
}

}  // namespace preempt::lang::syntax::detail
