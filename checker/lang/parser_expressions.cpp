// The parser, expressions: precedence climbing over C's binary operators, unary operators, primaries.
#include "checker/lang/parser_internal.hpp"

#include <array>
#include <utility>

#include <fmt/format.h>

namespace preempt::lang::syntax::detail {

namespace {

// Binary operators by token, with C's precedence (higher binds tighter).
struct BinaryOpInfo {
  TokenKind token;
  BinaryOp op;
  int precedence;
};
constexpr std::array<BinaryOpInfo, 18> kBinaryOps = {{
    {TokenKind::PipePipe, BinaryOp::LogicalOr, 1},
    {TokenKind::AmpAmp, BinaryOp::LogicalAnd, 2},
    {TokenKind::Pipe, BinaryOp::BitOr, 3},
    {TokenKind::Caret, BinaryOp::BitXor, 4},
    {TokenKind::Amp, BinaryOp::BitAnd, 5},
    {TokenKind::EqualEqual, BinaryOp::Eq, 6},
    {TokenKind::BangEqual, BinaryOp::Ne, 6},
    {TokenKind::Less, BinaryOp::Lt, 7},
    {TokenKind::LessEqual, BinaryOp::Le, 7},
    {TokenKind::Greater, BinaryOp::Gt, 7},
    {TokenKind::GreaterEqual, BinaryOp::Ge, 7},
    {TokenKind::LessLess, BinaryOp::Shl, 8},
    {TokenKind::GreaterGreater, BinaryOp::Shr, 8},
    {TokenKind::Plus, BinaryOp::Add, 9},
    {TokenKind::Minus, BinaryOp::Sub, 9},
    {TokenKind::Star, BinaryOp::Mul, 10},
    {TokenKind::Slash, BinaryOp::Div, 10},
    {TokenKind::Percent, BinaryOp::Rem, 10},
}};

const BinaryOpInfo* binary_op_of(TokenKind token) {
  for (const BinaryOpInfo& info : kBinaryOps) {
    if (info.token == token) return &info;
  }
  return nullptr;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Expressions

ExprPtr Parser::placeholder(SourceLoc loc) {
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::IntLit;
  e->loc = loc;
  e->end = loc;
  return e;
}

ExprPtr Parser::node(ExprKind kind, SourceLoc loc) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->loc = loc;
  return e;
}

// Sets e's height from its children and its end; a tree higher than kMaxNesting is an error.
ExprPtr Parser::finish(ExprPtr e) {
  uint32_t h = 0;
  for (const ExprPtr* child : {&e->index, &e->operand, &e->lhs, &e->rhs, &e->cond}) {
    if (*child) h = std::max(h, (*child)->height);
  }
  for (const ExprPtr& arg : e->args) h = std::max(h, arg->height);
  e->height = h + 1;
  e->end = end_of_previous();
  if (e->height > kMaxNesting) {
    error_at(e->loc, "expression nested too deeply");
    return placeholder(e->loc);
  }
  return e;
}

// expression = conditional ;
ExprPtr Parser::parse_expression() { return parse_conditional(); }

// conditional = binary [ "?" expression ":" conditional ] ;
ExprPtr Parser::parse_conditional() {
  ExprPtr cond = parse_binary(1);
  if (!check(TokenKind::Question)) return cond;
  ExprPtr e = node(ExprKind::Conditional, current_.loc);
  advance();
  e->cond = std::move(cond);
  e->lhs = parse_expression();
  if (!expect(TokenKind::Colon)) return placeholder(e->loc);
  e->rhs = parse_conditional();
  e->loc = e->cond->loc;
  return finish(std::move(e));
}

// binary = unary { binary_op unary }, by precedence climbing; from loosest to tightest:
//   "||" < "&&" < "|" < "^" < "&" < ( "==" | "!=" ) < ( "<" | "<=" | ">" | ">=" )
//   < ( "<<" | ">>" ) < ( "+" | "-" ) < ( "*" | "/" | "%" ) ;  all left-associative.
ExprPtr Parser::parse_binary(int min_precedence) {
  ExprPtr lhs = parse_unary(false);
  for (const BinaryOpInfo* info = binary_op_of(current_.kind);
       info != nullptr && info->precedence >= min_precedence; info = binary_op_of(current_.kind)) {
    ExprPtr e = node(ExprKind::Binary, current_.loc);
    e->binary_op = info->op;
    advance();
    e->lhs = std::move(lhs);
    e->rhs = parse_binary(info->precedence + 1);
    lhs = finish(std::move(e));
  }
  return lhs;
}

// unary = ( "-" | "!" | "~" | "*" | "&" ) unary | "sizeof" ... | "(" type ")" unary | postfix ;
//   ("-" INTEGER is folded into one literal)
ExprPtr Parser::parse_unary(bool negated) {
  Nest nest(expr_depth_);
  if (nest.too_deep()) {
    error_at(current_.loc, "expression nested too deeply");
    return placeholder(current_.loc);
  }
  if (check(TokenKind::KwSizeof)) return parse_sizeof();
  if (check(TokenKind::Star) || check(TokenKind::Amp)) {
    ExprPtr e = node(check(TokenKind::Star) ? ExprKind::Deref : ExprKind::AddressOf, current_.loc);
    advance();
    e->operand = parse_unary(false);
    return finish(std::move(e));
  }
  if (check(TokenKind::LParen)) {
    // A cast: "(" type ")" unary.
    const Token open = current_;
    advance();
    if (at_type()) {
      ExprPtr e = node(ExprKind::Cast, open.loc);
      e->type = std::make_unique<TypeSyntax>(parse_type("a type"));
      expect(TokenKind::RParen);
      e->operand = parse_unary(false);
      return finish(std::move(e));
    }
    ExprPtr inner = parse_expression();
    expect(TokenKind::RParen);
    return parse_postfix(std::move(inner));
  }
  if (!check(TokenKind::Minus) && !check(TokenKind::Bang) && !check(TokenKind::Tilde)) {
    return parse_postfix(parse_primary(negated));
  }
  ExprPtr e = node(ExprKind::Unary, current_.loc);
  e->unary_op = check(TokenKind::Minus)  ? UnaryOp::Neg
                : check(TokenKind::Bang) ? UnaryOp::Not
                                         : UnaryOp::BitNot;
  advance();
  e->operand = parse_unary(e->unary_op == UnaryOp::Neg);
  if (e->unary_op == UnaryOp::Neg && e->operand->kind == ExprKind::IntLit) {
    ExprPtr literal = std::move(e->operand);  // wrapping negation; -INT64_MIN == INT64_MIN
    literal->loc = e->loc;
    literal->value = static_cast<int64_t>(0 - static_cast<uint64_t>(literal->value));
    return literal;
  }
  return finish(std::move(e));
}

// sizeof = "sizeof" ( "(" type ")" | "(" expression ")" | unary ) ;
ExprPtr Parser::parse_sizeof() {
  const SourceLoc loc = current_.loc;
  advance();
  if (match(TokenKind::LParen)) {
    if (at_type()) {
      ExprPtr e = node(ExprKind::SizeofType, loc);
      e->type = std::make_unique<TypeSyntax>(parse_type("a type"));
      expect(TokenKind::RParen);
      return finish(std::move(e));
    }
    ExprPtr e = node(ExprKind::SizeofExpr, loc);
    e->operand = parse_expression();
    expect(TokenKind::RParen);
    return finish(std::move(e));
  }
  ExprPtr e = node(ExprKind::SizeofExpr, loc);
  e->operand = parse_unary(false);
  return finish(std::move(e));
}

// postfix = primary { "(" [ arguments ] ")" | "[" expression "]" | ( "->" | "." ) IDENT } ;
ExprPtr Parser::parse_postfix(ExprPtr e) {
  for (;;) {
    if (panic_) return e;
    if (check(TokenKind::LParen)) {
      ExprPtr call = node(ExprKind::Call, e->loc);
      advance();
      call->name = e->kind == ExprKind::Name ? e->name : Name{};
      call->operand = std::move(e);
      parse_arguments(*call);
      expect(TokenKind::RParen);
      e = finish(std::move(call));
    } else if (check(TokenKind::LBracket)) {
      ExprPtr index = node(ExprKind::Index, e->loc);
      advance();
      index->name = e->kind == ExprKind::Name ? e->name : Name{};
      index->operand = std::move(e);
      index->index = parse_expression();
      expect(TokenKind::RBracket);
      e = finish(std::move(index));
    } else if (check(TokenKind::Arrow) || check(TokenKind::Dot)) {
      ExprPtr member = node(ExprKind::Member, e->loc);
      member->arrow = check(TokenKind::Arrow);
      advance();
      member->operand = std::move(e);
      member->name = expect_word("a field name");
      e = finish(std::move(member));
    } else {
      return e;
    }
  }
}

// primary = INTEGER | STRING { STRING } | "self" | IDENT ;
ExprPtr Parser::parse_primary(bool negated) {
  if (check(TokenKind::Integer)) {
    ExprPtr e = placeholder(current_.loc);
    e->value = literal_value(current_, negated).value_or(0);
    advance();
    e->end = end_of_previous();
    return e;
  }
  if (check(TokenKind::String)) {
    ExprPtr e = node(ExprKind::String, current_.loc);
    while (check(TokenKind::String)) {
      e->text += shown_string_literal(current_.text);
      advance();
    }
    e->end = end_of_previous();
    return e;
  }
  if (check(TokenKind::KwSelf)) {
    ExprPtr e = node(ExprKind::Self, current_.loc);
    advance();
    e->end = end_of_previous();
    return e;
  }
  if (check(TokenKind::Identifier)) {
    ExprPtr e = node(ExprKind::Name, current_.loc);
    e->name = Name{current_.text, current_.loc};
    advance();
    e->end = end_of_previous();
    return e;
  }
  error_expected("an expression");
  return placeholder(current_.loc);
}

// arguments = expression { "," expression } ;
void Parser::parse_arguments(Expr& call) {
  if (check(TokenKind::RParen)) return;
  do {
    call.args.push_back(parse_expression());
  } while (!panic_ && match(TokenKind::Comma));
}

}  // namespace preempt::lang::syntax::detail
